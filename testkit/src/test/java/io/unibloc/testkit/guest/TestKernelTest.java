package io.unibloc.testkit.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestKernelTest {

    @TempDir
    Path dir;

    @Test
    void picksTheNewestKernelThatHasModules() throws IOException {
        Path boot = Files.createDirectories(dir.resolve("boot"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (String version : new String[] {"6.1.0-9-amd64", "6.1.0-10-amd64", "6.12.0-1-amd64"}) {
            Files.writeString(boot.resolve("vmlinuz-" + version), "kernel");
        }
        for (String version : new String[] {"6.1.0-9-amd64", "6.1.0-10-amd64"}) {
            Files.createDirectories(lib.resolve(version));
            Files.writeString(lib.resolve(version).resolve("modules.dep"), "");
        }

        TestKernel kernel = TestKernel.find(boot, lib).orElseThrow();

        assertThat(kernel.version()).isEqualTo("6.1.0-10-amd64");
        assertThat(kernel.image()).isEqualTo(boot.resolve("vmlinuz-6.1.0-10-amd64"));
    }

    @Test
    void nothingWhenThereIsNoKernel() throws IOException {
        assertThat(TestKernel.find(Files.createDirectories(dir.resolve("boot")), dir))
                .isEmpty();
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(TestKernel.compareVersions("6.1.0-10-amd64", "6.1.0-9-amd64"))
                .isPositive();
        assertThat(TestKernel.compareVersions("6.1.0", "6.1.0")).isZero();
    }
}
