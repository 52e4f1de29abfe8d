package io.unibloc.blockstore.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Extended attributes of a path itself (never following a symlink), in every namespace: the JDK's
 * {@code UserDefinedFileAttributeView} only reaches {@code user.*}, while layers carry
 * {@code security.capability} and {@code trusted.*} too.
 */
public final class Xattrs {
    private Xattrs() {}

    /** Sets {@code name} on {@code path}; throws {@link LastErrorException} with the errno on failure. */
    public static void set(Path path, String name, byte[] value) {
        LibC.INSTANCE.lsetxattr(path.toString(), name, value, new NativeLong(value.length), 0);
    }

    public static Optional<byte[]> get(Path path, String name) {
        try {
            long size = LibC.INSTANCE
                    .lgetxattr(path.toString(), name, null, new NativeLong(0))
                    .longValue();
            byte[] value = new byte[(int) size];
            long read = LibC.INSTANCE
                    .lgetxattr(path.toString(), name, value, new NativeLong(size))
                    .longValue();
            return Optional.of(read == size ? value : java.util.Arrays.copyOf(value, (int) read));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENODATA) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public static List<String> list(Path path) {
        long size = LibC.INSTANCE
                .llistxattr(path.toString(), null, new NativeLong(0))
                .longValue();
        if (size <= 0) {
            return List.of();
        }
        byte[] names = new byte[(int) size];
        long read = LibC.INSTANCE
                .llistxattr(path.toString(), names, new NativeLong(size))
                .longValue();
        List<String> result = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < read; i++) {
            if (names[i] == 0) {
                if (i > start) {
                    result.add(new String(names, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return result;
    }
}
