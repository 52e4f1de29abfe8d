package io.unibloc.blockstore.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MincoreAccess} on a real file owned by {@code nobody} (65534): the tests run as root, so another caller is
 * stood in by its uid, and its {@code access(W_OK)} by the file's real "others may write" bit (uid 4242 is in no
 * group of the file). {@link ResidentPages} then refuses to give a figure the kernel would falsify.
 */
class MincoreAccessTest {
    private static final int NOBODY = 65534;
    private static final int OTHER = 4242;

    @TempDir
    Path dir;

    private Path file;
    private final Predicate<Path> othersMayWrite = f -> {
        try {
            return Files.getPosixFilePermissions(f).contains(PosixFilePermission.OTHERS_WRITE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    };

    @BeforeEach
    void nobodysFile() throws Exception {
        file = dir.resolve("chain.img");
        Files.write(file, new byte[8192]);
        Files.setAttribute(file, "unix:uid", NOBODY);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(NOBODY);
    }

    @Test
    void aCallerThatNeitherOwnsNorMayWriteTheFileIsRefusedWithTheFileItsOwnerAndItsUid() {
        MincoreAccess other = new MincoreAccess(OTHER, othersMayWrite);

        assertThatThrownBy(() -> other.check(file))
                .isInstanceOf(UntrustedMincoreException.class)
                .hasMessage("needs write access to the store files: " + file + " is owned by uid 65534 and not"
                        + " writable by uid 4242");
        assertThatThrownBy(() -> new ResidentPages(other).of(file))
                .as("no figure rather than the file's size")
                .isInstanceOf(UntrustedMincoreException.class);
    }

    @Test
    void theOwnerAWriterAndRootAreAnswered() throws Exception {
        new MincoreAccess(NOBODY, othersMayWrite).check(file);
        new MincoreAccess(0, othersMayWrite).check(file);
        MincoreAccess.ofThisProcess().check(file); // root, as the tests run
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--rw-"));
        new MincoreAccess(OTHER, othersMayWrite).check(file);

        assertThat(new ResidentPages(new MincoreAccess(NOBODY, othersMayWrite)).of(file))
                .as("just written, so resident")
                .isEqualTo(8192);
    }
}
