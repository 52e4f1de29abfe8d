package io.unibloc.blockstore.cow;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.fs.Mounts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The XFS file the store makes where it cannot reflink (this machine's /tmp is ext4). */
class XfsLoopBackendIT extends CowBackendConformance {
    @Override
    protected CowBackend open(Path dir) {
        CowBackend backend = Backends.open(dir, StoreConfig.Backend.AUTO, 512L << 20);
        assertThat(backend.name()).as("auto on ext4").isEqualTo("xfs-loop");
        return backend;
    }

    @Override
    protected void cleanUp(Path dir) {
        Mounts.unmountIfMounted(dir.resolve("mnt"));
    }

    @Test
    void unmountsOnCloseAndMountsAgainWithTheDataOnRestart() throws Exception {
        Files.writeString(backend.dataRoot().resolve("kept"), "data");
        backend.close();
        assertThat(Mounts.isMounted(dir.resolve("mnt"))).isFalse();

        backend = Backends.open(dir, StoreConfig.Backend.AUTO, 512L << 20);
        assertThat(backend.name()).isEqualTo("xfs-loop");
        assertThat(Files.readString(backend.dataRoot().resolve("kept"))).isEqualTo("data");
        assertThat(Files.readString(dir.resolve("backend")).trim()).isEqualTo("xfs-loop");
    }

    @Test
    void staysMountedUntilTheLastUserInThisJvmCloses() {
        CowBackend second = Backends.open(dir, StoreConfig.Backend.AUTO, 512L << 20);
        try {
            backend.close();
            assertThat(Mounts.isMounted(dir.resolve("mnt")))
                    .as("the second backend still uses it")
                    .isTrue();
            assertThat(second.dataRoot().resolve("x").toFile().getParentFile()).isDirectory();
        } finally {
            second.close();
        }
        assertThat(Mounts.isMounted(dir.resolve("mnt"))).as("both closed").isFalse();
    }

    @Test
    void staysMountedWhileAnotherProcessUsesTheStore() throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SharedLockHolderMain.class.getName(),
                        dir.resolve("locks/xfs-loop.lock").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            backend.close();
            assertThat(Mounts.isMounted(dir.resolve("mnt")))
                    .as("the other process still uses it")
                    .isTrue();
            child.getOutputStream().write("done\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        backend = Backends.open(dir, StoreConfig.Backend.AUTO, 512L << 20);
        backend.close();
        assertThat(Mounts.isMounted(dir.resolve("mnt")))
                .as("the last user of all left")
                .isFalse();
    }
}
