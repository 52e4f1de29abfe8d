package io.unibloc.sandbox.spec;

/**
 * One file copied from the sandbox container (a mounted ConfigMap or Secret key) into the guest's root
 * filesystem before boot, the way a container would see it mounted.
 *
 * @param source absolute host path of the file to copy, e.g. {@code /run/unibloc/files/0/app.conf}
 * @param target absolute path inside the root filesystem, e.g. {@code /etc/app.conf}; missing parent
 *     directories are created and an existing file is replaced
 * @param mode permission bits as a JSON number ({@code 420} is {@code 0644}); {@code null} means 0644.
 *     Ignored on vfat, which has no permissions.
 */
public record FileProjection(String source, String target, Integer mode) {

    /** Permission bits used when {@link #mode()} is unset. */
    public static final int DEFAULT_MODE = 0644;

    public int effectiveMode() {
        return mode == null ? DEFAULT_MODE : mode;
    }
}
