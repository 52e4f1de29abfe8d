package io.unibloc.csi.node.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathPolicyTest {
    private Path dir;
    private PathPolicy policy;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("path-policy");
        Files.createDirectories(dir.resolve("kubelet/pods"));
        Files.createDirectories(dir.resolve("store/volumes"));
        Files.createSymbolicLink(dir.resolve("kubelet/link-to-store"), dir.resolve("store"));
        Files.createSymbolicLink(dir.resolve("kubelet/link-to-etc"), Path.of("/etc"));
        policy = new PathPolicy(List.of(dir.resolve("kubelet")), dir.resolve("store"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String p : List.of(
                "kubelet/link-to-store",
                "kubelet/link-to-etc",
                "kubelet/pods",
                "kubelet",
                "store/volumes",
                "store",
                "")) {
            Files.deleteIfExists(dir.resolve(p));
        }
    }

    @Test
    void acceptsNormalTargetsInsideTheKubeletDir() {
        Path ok = dir.resolve("kubelet/pods/uid/volumeDevices/pvc-1");
        assertThat(policy.check("target_path", ok.toString())).isEqualTo(ok);
    }

    @ParameterizedTest
    @ValueSource(strings = {"relative/path", "/etc/passwd", "/proc/self/root", "/dev/sda", "/", "/tmp/outside"})
    void refusesTheseAbsoluteOrRelativeOnes(String path) {
        assertRefused(path);
    }

    @Test
    void refusesTricksRelativeToTheKubeletDir() {
        assertRefused(dir + "/kubelet/../store/volumes/x");
        assertRefused(dir + "/kubelet/./pods/x");
        assertRefused(dir + "/kubelet//pods/x");
        assertRefused(dir + "/kubelet/pods/x/");
        assertRefused(dir + "/kubelet/link-to-store/volumes/x");
        assertRefused(dir + "/kubelet/link-to-etc/shadow");
        assertRefused(dir + "/kubelet/pods/x\u0000y");
        assertRefused(dir + "/kubelet/pods/x\ny");
        assertRefused(dir + "/kubelet/" + "a".repeat(5000));
    }

    private void assertRefused(String path) {
        assertThatThrownBy(() -> policy.check("target_path", path))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("target_path");
                });
    }
}
