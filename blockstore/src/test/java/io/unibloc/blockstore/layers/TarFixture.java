package io.unibloc.blockstore.layers;

import com.github.luben.zstd.ZstdOutputStream;
import io.unibloc.registry.ref.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars entry by entry for tests, including the hostile ones no real tool would write. */
public final class TarFixture {
    public static final Instant MTIME = Instant.parse("2021-03-04T05:06:07Z");

    private final List<Consumer<TarArchiveOutputStream>> entries = new ArrayList<>();

    public TarFixture dir(String name, int mode) {
        return add(entry(name + "/", TarConstants.LF_DIR, mode), null);
    }

    public TarFixture file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0, Map.of());
    }

    public TarFixture file(String name, byte[] content, int mode, int uid, int gid, Map<String, String> xattrs) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
        e.setSize(content.length);
        e.setIds(uid, gid);
        xattrs.forEach((k, v) -> e.addPaxHeader("SCHILY.xattr." + k, v));
        return add(e, content);
    }

    /** A file of {@code size} zero bytes, written without holding it in memory. */
    public TarFixture zeros(String name, long size) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0644);
        e.setSize(size);
        entries.add(out -> {
            try {
                out.putArchiveEntry(e);
                byte[] block = new byte[1 << 20];
                for (long left = size; left > 0; left -= block.length) {
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
                out.closeArchiveEntry();
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        });
        return this;
    }

    public TarFixture symlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0777);
        e.setLinkName(target);
        return add(e, null);
    }

    public TarFixture hardlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK, 0644);
        e.setLinkName(target);
        return add(e, null);
    }

    public TarFixture charDevice(String name) {
        TarArchiveEntry e = entry(name, TarConstants.LF_CHR, 0600);
        e.setDevMajor(1);
        e.setDevMinor(3);
        return add(e, null);
    }

    public TarFixture fifo(String name) {
        return add(entry(name, TarConstants.LF_FIFO, 0644), null);
    }

    /** {@code .wh.NAME} in the directory of {@code path}. */
    public TarFixture whiteout(String path) {
        int slash = path.lastIndexOf('/');
        String name = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
        return add(entry(name, TarConstants.LF_NORMAL, 0), new byte[0]);
    }

    public TarFixture opaque(String dir) {
        return add(entry(dir + "/.wh..wh..opq", TarConstants.LF_NORMAL, 0), new byte[0]);
    }

    public byte[] tar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            entries.forEach(e -> e.accept(out));
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes the layer, compressed as asked, and returns it as a source with its real digest and size. */
    public LayerSource write(Path dir, Compression compression) {
        return writeBytes(dir, compress(tar(), compression), mediaType(compression));
    }

    public static LayerSource writeBytes(Path dir, byte[] blob, String mediaType) {
        Digest digest = Digest.sha256(sha256(blob));
        Path file = dir.resolve(digest.hex());
        try {
            Files.createDirectories(dir);
            Files.write(file, blob);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LayerSource(digest, mediaType, blob.length, file);
    }

    public static String mediaType(Compression compression) {
        return switch (compression) {
            case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
            case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
            case NONE -> "application/vnd.oci.image.layer.v1.tar";
        };
    }

    public static byte[] compress(byte[] tar, Compression compression) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = switch (compression) {
            case GZIP -> new GZIPOutputStream(bytes);
            case ZSTD -> new ZstdOutputStream(bytes);
            case NONE -> bytes;
        }) {
            out.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(mode);
        e.setModTime(MTIME.toEpochMilli());
        return e;
    }

    private TarFixture add(TarArchiveEntry e, byte[] content) {
        entries.add(out -> {
            try {
                out.putArchiveEntry(e);
                if (content != null) {
                    out.write(content);
                }
                out.closeArchiveEntry();
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        });
        return this;
    }
}
