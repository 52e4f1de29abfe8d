package io.unibloc.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ways a registry start can fail, with stand-in binaries; each must leave nothing behind. */
class RegistryStartFailureTest {
    @TempDir
    Path bin;

    @TempDir
    Path work;

    @Test
    void missingBinaryNamesThePackageToInstall() {
        assertThatThrownBy(() -> TestRegistry.start(bin.resolve("docker-registry"), work, Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(bin.resolve("docker-registry").toString())
                .hasMessageContaining("apt-get install docker-registry");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void earlyExitReportsExitCodeAndLogAndCleansUp() throws IOException {
        Path fake = script("echo 'level=fatal msg=\"configuration error: boom\"'; exit 3");

        assertThatThrownBy(() -> TestRegistry.start(fake, work, Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("configuration error: boom");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void lostPortRaceIsRetriedWithAnotherPort() throws IOException {
        Path counter = bin.resolve("attempts");
        Path fake = script("echo x >> '" + counter + "'; "
                + "echo 'listen tcp 127.0.0.1:1: bind: address already in use'; exit 1");

        assertThatThrownBy(() -> TestRegistry.start(fake, work, Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("address already in use");
        assertThat(Files.readAllLines(counter)).hasSize(3);
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void configGivenToTheBinaryNamesStoragePortAndAuth() throws IOException {
        Path copy = bin.resolve("seen.yml");
        // Copies its config (argument 2) aside, then fails so that start gives up.
        Path fake = script("cp \"$2\" '" + copy + "'; exit 7");

        assertThatThrownBy(() -> TestRegistry.start(fake, work, Optional.of(new Credentials("u", "p"))))
                .hasMessageContaining("exited with code 7");
        String yaml = Files.readString(copy);
        assertThat(yaml)
                .contains("addr: 127.0.0.1:")
                .contains("rootdirectory: '" + work)
                .contains("level: warn")
                .contains("delete:\n    enabled: true")
                .contains("htpasswd:\n    realm: unibloc-test")
                .doesNotContain("redis");
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    private Path script(String body) throws IOException {
        Path file = bin.resolve("fake-registry-" + System.nanoTime());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
