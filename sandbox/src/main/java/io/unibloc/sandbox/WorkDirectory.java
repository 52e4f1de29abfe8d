package io.unibloc.sandbox;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a boot's private work directory (mode 0700). Unlike {@link Files#createTempDirectory}, the name comes from
 * the process id and the clock rather than from {@link java.security.SecureRandom}, whose first use costs tens of
 * milliseconds (provider lookup and seeding) on the guest's start path. Uniqueness rests on {@link
 * Files#createDirectory} refusing an existing name, so a clash (every container's launcher is pid 1) only means
 * another try.
 */
final class WorkDirectory {

    private static final int ATTEMPTS = 100;

    private WorkDirectory() {}

    /** @throws IOException when {@code root} refuses a new directory */
    static Path create(Path root, String prefix) throws IOException {
        String base = prefix + ProcessHandle.current().pid() + "-";
        long stamp = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            Path candidate = root.resolve(base + Long.toHexString(stamp + attempt));
            try {
                return Files.createDirectory(
                        candidate, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt == ATTEMPTS) {
                    throw new IOException("no free name for a work directory like " + candidate, e);
                }
            }
        }
    }
}
