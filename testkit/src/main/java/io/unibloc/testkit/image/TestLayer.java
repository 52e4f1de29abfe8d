package io.unibloc.testkit.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * One image layer built in memory from entries given in code, in the order given; no parent directories are
 * implied, so the tar holds exactly the entries added.
 *
 * <pre>{@code
 * TestLayer layer = TestLayer.builder()
 *         .dir("etc")
 *         .file("etc/hostname", "unibloc\n")
 *         .file("bin/app", appBytes, Attrs.defaults().mode(0755).owner(1000, 1000))
 *         .symlink("bin/sh", "busybox")
 *         .hardlink("bin/ls", "bin/busybox")
 *         .whiteout("var/cache")          // var/.wh.cache
 *         .opaque("etc/conf.d")           // etc/conf.d/.wh..wh..opq
 *         .build(Compression.GZIP);
 * }</pre>
 *
 * <p>{@link #diffId()} is the sha256 of the uncompressed tar (what an image config lists in
 * {@code rootfs.diff_ids}); {@link #digest()} is the sha256 of the compressed blob (what a manifest lists). The
 * whole layer lives in memory: keep test layers to a few hundred MiB at most.
 */
public final class TestLayer {
    private final List<LayerEntry> entries;
    private final Compression compression;
    private final byte[] tar;
    private final byte[] blob;
    private final String diffId;
    private final String digest;

    private TestLayer(List<LayerEntry> entries, Compression compression) {
        this.entries = List.copyOf(entries);
        this.compression = compression;
        this.tar = TarWriter.write(this.entries);
        this.blob = compression.compress(tar);
        this.diffId = Digests.sha256(tar);
        this.digest = Digests.sha256(blob);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * An uncompressed layer of {@code mib} files {@code data/f<i>.bin} of 1 MiB of random bytes from {@code seed}:
     * data no filesystem compresses or dedupes, so what a read of it brings into the page cache (or onto a disk)
     * is at least {@code mib} MiB — what the accounting tests count against.
     */
    public static TestLayer randomData(int mib, long seed) {
        Random random = new Random(seed);
        Builder layer = builder().dir("data");
        for (int i = 0; i < mib; i++) {
            byte[] data = new byte[1 << 20];
            random.nextBytes(data);
            layer.file("data/f" + i + ".bin", data);
        }
        return layer.build(Compression.NONE);
    }

    /** The entries in archive order. */
    public List<LayerEntry> entries() {
        return entries;
    }

    public Compression compression() {
        return compression;
    }

    /** A copy of the uncompressed tar. */
    public byte[] tar() {
        return tar.clone();
    }

    /** A copy of the blob as stored in a registry (the compressed tar). */
    public byte[] blob() {
        return blob.clone();
    }

    /** Size of the blob in bytes, as a manifest descriptor states it. */
    public long size() {
        return blob.length;
    }

    /** {@code sha256:} of the uncompressed tar. */
    public String diffId() {
        return diffId;
    }

    /** {@code sha256:} of the blob. */
    public String digest() {
        return digest;
    }

    /** The layer media type in a manifest of the given format. */
    public String mediaType(ImageFormat format) {
        return compression.mediaType(format);
    }

    byte[] blobUnsafe() {
        return blob;
    }

    @Override
    public String toString() {
        return "TestLayer[" + digest + ", " + compression + ", " + entries.size() + " entries, " + blob.length
                + " bytes]";
    }

    /**
     * Collects entries. Ordinary methods take relative paths without {@code .}/{@code ..} segments and reject
     * anything else with {@link IllegalArgumentException}; the {@code raw…}, device and {@code truncatedFile}
     * methods exist for layers that must be hostile. Paths may pass through earlier symlinks
     * ({@code symlink("evil", "/etc").file("evil/passwd", …)}), which is how "write through a symlink" attacks are
     * built.
     */
    public static final class Builder {
        private final List<LayerEntry> entries = new ArrayList<>();
        private boolean sealed;

        private Builder() {}

        public Builder dir(String path) {
            return dir(path, Attrs.defaults());
        }

        public Builder dir(String path, Attrs attrs) {
            return entry(LayerEntry.of(LayerEntry.Type.DIRECTORY, checked(path), null, attrs));
        }

        /** A regular file with UTF-8 text content. */
        public Builder file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8), Attrs.defaults());
        }

        public Builder file(String path, String content, Attrs attrs) {
            return file(path, content.getBytes(StandardCharsets.UTF_8), attrs);
        }

        public Builder file(String path, byte[] content) {
            return file(path, content, Attrs.defaults());
        }

        public Builder file(String path, byte[] content, Attrs attrs) {
            return entry(LayerEntry.file(checked(path), content.clone(), attrs));
        }

        /** A regular file whose content is read now from a file on the host (e.g. a kernel or a disk image). */
        public Builder file(String path, Path source) {
            return file(path, source, Attrs.defaults());
        }

        public Builder file(String path, Path source, Attrs attrs) {
            try {
                return entry(LayerEntry.file(checked(path), Files.readAllBytes(source), attrs));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + source + " for layer entry " + path, e);
            }
        }

        /**
         * Every directory, regular file and symlink under {@code root} on the host, in a stable (sorted) order,
         * with the host's permission bits; owners become root. For images made from a tree built on disk.
         */
        public Builder tree(Path root) {
            try (var paths = Files.walk(root)) {
                for (Path path : paths.sorted().toList()) {
                    if (path.equals(root)) {
                        continue;
                    }
                    String name = root.relativize(path).toString();
                    Attrs attrs = Attrs.defaults().mode(mode(path));
                    if (Files.isSymbolicLink(path)) {
                        symlink(name, Files.readSymbolicLink(path).toString());
                    } else if (Files.isDirectory(path)) {
                        dir(name, attrs);
                    } else {
                        file(name, path, attrs);
                    }
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the tree " + root + " for a layer", e);
            }
        }

        private static int mode(Path path) throws IOException {
            int mode = 0;
            for (var permission : Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                mode |= 1 << (8 - permission.ordinal());
            }
            return mode;
        }

        /** A symlink; the target is written as given (absolute and {@code ..} targets are legitimate). */
        public Builder symlink(String path, String target) {
            return symlink(path, target, Attrs.defaults());
        }

        public Builder symlink(String path, String target, Attrs attrs) {
            return entry(LayerEntry.of(LayerEntry.Type.SYMLINK, checked(path), requireTarget(path, target), attrs));
        }

        /** A hard link to an entry earlier in this layer or in a lower layer; the target is a layer path too. */
        public Builder hardlink(String path, String target) {
            return entry(LayerEntry.of(LayerEntry.Type.HARDLINK, checked(path), checked(target), Attrs.defaults()));
        }

        /** An OCI whiteout that deletes {@code path} from lower layers: an empty file {@code dir/.wh.name}. */
        public Builder whiteout(String path) {
            String checked = checked(path);
            int slash = checked.lastIndexOf('/');
            String name = slash < 0
                    ? ".wh." + checked
                    : checked.substring(0, slash + 1) + ".wh." + checked.substring(slash + 1);
            return entry(LayerEntry.file(name, new byte[0], Attrs.defaults()));
        }

        /** An OCI opaque marker: lower layers' contents of {@code dir} are hidden ({@code dir/.wh..wh..opq}). */
        public Builder opaque(String dir) {
            return entry(LayerEntry.file(checked(dir) + "/.wh..wh..opq", new byte[0], Attrs.defaults()));
        }

        /** Hostile: a regular file whose name is written verbatim ({@code ../x}, {@code /etc/x}, …). */
        public Builder rawFile(String exactName, byte[] content) {
            return entry(LayerEntry.file(exactName, content.clone(), Attrs.defaults()));
        }

        /** Hostile: a symlink whose name is written verbatim. */
        public Builder rawSymlink(String exactName, String target) {
            return entry(LayerEntry.of(
                    LayerEntry.Type.SYMLINK, exactName, requireTarget(exactName, target), Attrs.defaults()));
        }

        /** Hostile: a hard link whose name and target are written verbatim (e.g. target {@code /etc/shadow}). */
        public Builder rawHardlink(String exactName, String target) {
            return entry(LayerEntry.of(
                    LayerEntry.Type.HARDLINK, exactName, requireTarget(exactName, target), Attrs.defaults()));
        }

        /** Hostile: a character device node, e.g. {@code charDevice("dev/mem", 1, 1)}. */
        public Builder charDevice(String exactName, int major, int minor) {
            return entry(new LayerEntry(
                    LayerEntry.Type.CHAR_DEVICE, exactName, null, new byte[0], 0, Attrs.defaults(), major, minor));
        }

        /** Hostile: a block device node, e.g. {@code blockDevice("dev/sda", 8, 0)}. */
        public Builder blockDevice(String exactName, int major, int minor) {
            return entry(new LayerEntry(
                    LayerEntry.Type.BLOCK_DEVICE, exactName, null, new byte[0], 0, Attrs.defaults(), major, minor));
        }

        /** A named pipe. */
        public Builder fifo(String exactName) {
            return entry(LayerEntry.of(LayerEntry.Type.FIFO, exactName, null, Attrs.defaults()));
        }

        /**
         * Hostile: a file whose header declares {@code declaredSize} bytes but whose data stops after
         * {@code content}; the archive ends there (no padding, no end records). Must be the last entry. The header
         * is a single ustar record (no PAX extensions, so keep the name under 100 bytes); sizes above 8 GiB are
         * written base-256, so absurd sizes such as {@code 1L << 40} work.
         */
        public Builder truncatedFile(String exactName, long declaredSize, byte[] content) {
            if (declaredSize <= content.length) {
                throw new IllegalArgumentException("truncated file '" + exactName + "' must declare more than its "
                        + content.length + " bytes, not " + declaredSize);
            }
            return entry(new LayerEntry(
                    LayerEntry.Type.FILE, exactName, null, content.clone(), declaredSize, Attrs.defaults(), 0, 0));
        }

        /** Any entry, written verbatim: the general escape hatch. */
        public Builder entry(LayerEntry entry) {
            Objects.requireNonNull(entry, "entry");
            if (sealed) {
                throw new IllegalStateException("cannot add '" + entry.name() + "' after a truncated entry: the"
                        + " archive ends inside that entry's data");
            }
            entries.add(entry);
            sealed = entry.truncated();
            return this;
        }

        /** Builds a gzip-compressed layer. */
        public TestLayer build() {
            return build(Compression.GZIP);
        }

        public TestLayer build(Compression compression) {
            return new TestLayer(entries, Objects.requireNonNull(compression, "compression"));
        }

        private static String requireTarget(String path, String target) {
            if (target == null || target.isEmpty()) {
                throw new IllegalArgumentException("link '" + path + "' needs a non-empty target");
            }
            return target;
        }

        private static String checked(String path) {
            Objects.requireNonNull(path, "path");
            String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (trimmed.isEmpty() || trimmed.startsWith("/")) {
                throw new IllegalArgumentException("layer path '" + path
                        + "' must be relative and non-empty; use rawFile/entry for hostile names");
            }
            for (String segment : trimmed.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new IllegalArgumentException("layer path '" + path
                            + "' has an empty, '.' or '..' segment; use rawFile/entry for hostile names");
                }
            }
            return trimmed;
        }
    }
}
