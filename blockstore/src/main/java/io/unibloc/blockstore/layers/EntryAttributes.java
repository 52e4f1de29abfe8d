package io.unibloc.blockstore.layers;

import com.sun.jna.LastErrorException;
import io.unibloc.blockstore.fs.LibC;
import io.unibloc.blockstore.fs.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sets what a tar entry says about a path besides its content: owner, mode, xattrs, times. */
final class EntryAttributes {
    private static final Logger LOG = LoggerFactory.getLogger(EntryAttributes.class);
    private static final String SCHILY = "SCHILY.xattr.";
    private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";

    private EntryAttributes() {}

    /**
     * Owner first, then mode: a chown clears setuid/setgid bits, so the mode must come after it. The
     * mode is never set on a symlink (Linux ignores symlink modes and chmod would follow the link).
     */
    static void ownerModeXattrs(String layer, String entryPath, Path path, TarArchiveEntry entry) throws IOException {
        Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        if (!entry.isSymbolicLink()) {
            Files.setAttribute(path, "unix:mode", entry.getMode() & 07777);
        }
        for (Map.Entry<String, byte[]> xattr : xattrs(entry).entrySet()) {
            try {
                Xattrs.set(path, xattr.getKey(), xattr.getValue());
            } catch (LastErrorException e) {
                LOG.warn(
                        "skipping xattr the target filesystem refuses layer={} path={} xattr={} errno={}",
                        layer,
                        entryPath,
                        xattr.getKey(),
                        e.getErrorCode());
            }
        }
    }

    static void times(Path path, TarArchiveEntry entry) {
        FileTime mtime = entry.getLastModifiedTime();
        FileTime atime = entry.getLastAccessTime() != null ? entry.getLastAccessTime() : mtime;
        // utimensat on the path, not the JDK's setTimes: that opens the file first, which blocks on a FIFO.
        long[] times = {
            atime.toInstant().getEpochSecond(),
            atime.toInstant().getNano(),
            mtime.toInstant().getEpochSecond(),
            mtime.toInstant().getNano()
        };
        try {
            LibC.INSTANCE.utimensat(LibC.AT_FDCWD, path.toString(), times, LibC.AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            LOG.debug("cannot set times path={} errno={}", path, e.getErrorCode());
        }
    }

    /**
     * The entry's xattrs from PAX headers: {@code SCHILY.xattr.NAME} (GNU tar, Go's archive/tar; the
     * value as the tar library decoded it) and {@code LIBARCHIVE.xattr.NAME} (base64, binary-safe).
     */
    static Map<String, byte[]> xattrs(TarArchiveEntry entry) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            String key = header.getKey();
            if (key.startsWith(SCHILY)) {
                result.put(key.substring(SCHILY.length()), header.getValue().getBytes(StandardCharsets.UTF_8));
            } else if (key.startsWith(LIBARCHIVE)) {
                String name = java.net.URLDecoder.decode(key.substring(LIBARCHIVE.length()), StandardCharsets.UTF_8);
                try {
                    result.put(
                            name, Base64.getDecoder().decode(header.getValue().trim()));
                } catch (IllegalArgumentException e) {
                    LOG.debug("ignoring undecodable xattr name={}", name);
                }
            }
        }
        return result;
    }
}
