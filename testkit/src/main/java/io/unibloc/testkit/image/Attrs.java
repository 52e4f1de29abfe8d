package io.unibloc.testkit.image;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Metadata of one layer entry: permission bits, owner, times and extended attributes. Immutable; the
 * {@code mode(..)}, {@code owner(..)} … methods return modified copies:
 *
 * <pre>{@code Attrs.defaults().mode(04755).owner(1000, 1000).xattr("user.origin", "test")}</pre>
 *
 * @param mode permission bits including setuid/setgid/sticky ({@code 07777}), or {@link #TYPE_DEFAULT} for the
 *     usual default of the entry's type (0644 files, 0755 directories, 0777 symlinks, 0600 devices)
 * @param userName written as the tar {@code uname}; empty for none
 * @param groupName written as the tar {@code gname}; empty for none
 * @param xattrs extended attributes, written as PAX {@code SCHILY.xattr.<name>} records (values are UTF-8 text)
 */
public record Attrs(
        int mode, long uid, long gid, String userName, String groupName, Instant mtime, Map<String, String> xattrs) {

    /** {@link #mode} value meaning "the default for this entry type". */
    public static final int TYPE_DEFAULT = -1;
    /** Default modification time; fixed so that layers are reproducible. */
    public static final Instant DEFAULT_MTIME = Instant.parse("2024-01-01T00:00:00Z");

    private static final Attrs DEFAULTS = new Attrs(TYPE_DEFAULT, 0, 0, "", "", DEFAULT_MTIME, Map.of());

    public Attrs {
        if (mode != TYPE_DEFAULT && (mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode 0" + Integer.toOctalString(mode)
                    + " has bits outside 07777; give permission bits only, the entry type sets the rest");
        }
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid/gid must not be negative: " + uid + "/" + gid);
        }
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(groupName, "groupName");
        Objects.requireNonNull(mtime, "mtime");
        xattrs = Collections.unmodifiableMap(new LinkedHashMap<>(xattrs));
    }

    /** Root-owned, type-default mode, {@link #DEFAULT_MTIME}, no xattrs. */
    public static Attrs defaults() {
        return DEFAULTS;
    }

    public Attrs mode(int newMode) {
        return new Attrs(newMode, uid, gid, userName, groupName, mtime, xattrs);
    }

    public Attrs owner(long newUid, long newGid) {
        return new Attrs(mode, newUid, newGid, userName, groupName, mtime, xattrs);
    }

    /** The user and group names written next to the numeric ids. */
    public Attrs names(String newUserName, String newGroupName) {
        return new Attrs(mode, uid, gid, newUserName, newGroupName, mtime, xattrs);
    }

    public Attrs mtime(Instant newMtime) {
        return new Attrs(mode, uid, gid, userName, groupName, newMtime, xattrs);
    }

    /** Adds (or replaces) one extended attribute, e.g. {@code xattr("user.comment", "x")}. */
    public Attrs xattr(String name, String value) {
        if (name == null || name.isEmpty() || name.contains("=") || value == null) {
            throw new IllegalArgumentException("xattr name must be non-empty without '=' and value non-null: " + name);
        }
        Map<String, String> copy = new LinkedHashMap<>(xattrs);
        copy.put(name, value);
        return new Attrs(mode, uid, gid, userName, groupName, mtime, copy);
    }
}
