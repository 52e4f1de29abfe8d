package io.unibloc.blockstore.fs;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * This mount namespace's mounts, from {@code /proc/self/mountinfo}: the one parser of it in the project (the
 * engine's loop mounts and the node plugin's device binds both read it). Published beside {@link Exec}.
 */
public final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** One mount: {@code root} is the path inside the source filesystem (for a device bind mount, {@code /loop3}). */
    public record Mount(Path mountPoint, String root, String fsType, String source) {
        /** A bind mount of a device node from devtmpfs, as NodePublishVolume makes them. */
        public boolean isDeviceBind() {
            return "devtmpfs".equals(fsType) && !"/".equals(root);
        }
    }

    private MountTable() {}

    public static List<Mount> read() {
        try {
            return parse(Files.readAllLines(MOUNTINFO));
        } catch (IOException e) {
            throw StoreException.internal("cannot read " + MOUNTINFO + ": " + e.getMessage(), e);
        }
    }

    /** The top-most mount at {@code path}, if it is a mount point. */
    public static Optional<Mount> at(Path path) {
        Mount found = null;
        for (Mount m : read()) {
            if (m.mountPoint().equals(path)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    static List<Mount> parse(List<String> lines) {
        List<Mount> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = indexOf(f, "-");
            if (f.length < 10 || dash < 6 || dash + 2 >= f.length) {
                continue;
            }
            out.add(new Mount(Path.of(unescape(f[4])), unescape(f[3]), f[dash + 1], unescape(f[dash + 2])));
        }
        return out;
    }

    private static int indexOf(String[] fields, String value) {
        for (int i = 6; i < fields.length; i++) {
            if (fields[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
