package io.unibloc.testkit.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestRootfsTest {

    @TempDir
    Path dir;

    @Test
    void writesBusyboxAppletLinksTheAppAndExtraFiles() throws IOException {
        assumeTrue(Files.isReadable(Busybox.PATH), "busybox-static not installed");

        GuestRootfs.builder()
                .app("#!/bin/sh\necho hello\n")
                .file("/etc/marker", "m1\n", 0600)
                .writeTo(dir);

        assertThat(Files.readSymbolicLink(dir.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(Files.readString(dir.resolve("app/run"))).contains("echo hello");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("app/run"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("etc/marker"))))
                .isEqualTo("rw-------");
        assertThat(dir.resolve("proc")).isDirectory();
    }

    @Test
    void treesForVfatCopyTheShellInsteadOfLinkingIt() throws IOException {
        assumeTrue(Files.isReadable(Busybox.PATH), "busybox-static not installed");

        GuestRootfs.builder().symlinks(false).writeTo(dir);

        assertThat(Files.isSymbolicLink(dir.resolve("bin/sh"))).isFalse();
        assertThat(Files.size(dir.resolve("bin/sh"))).isEqualTo(Files.size(Busybox.PATH));
        assertThat(dir.resolve("bin/cat")).doesNotExist();
    }

    @Test
    void relativeOrEscapingPathsAreRefused() {
        assertThatThrownBy(() -> GuestRootfs.builder().file("etc/x", "", 0644))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GuestRootfs.builder().file("/../x", "", 0644))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modesBecomePermissionStrings() {
        assertThat(GuestRootfs.permissions(0755)).isEqualTo("rwxr-xr-x");
        assertThat(GuestRootfs.permissions(0640)).isEqualTo("rw-r-----");
    }
}
