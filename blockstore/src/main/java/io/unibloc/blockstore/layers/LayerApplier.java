package io.unibloc.blockstore.layers;

import com.sun.jna.LastErrorException;
import io.unibloc.blockstore.fs.LibC;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one OCI layer onto a root directory (an empty directory or a mounted chain image), following
 * the OCI image spec's changeset rules.
 *
 * <p>Nothing existing is ever opened for writing: an entry replaces what is at its path (unlink, then
 * create with {@code O_EXCL}), so neither a symlink nor a hard link at the final component can redirect
 * the write. Parent components are resolved by {@link RootResolver} without the kernel following links.
 *
 * <p>Errors: INVALID_ARGUMENT naming layer digest and entry for hostile or malformed input (the root is
 * then partly written: callers apply into throw-away images); INTERNAL for host I/O failures.
 * Not idempotent: apply each layer once onto its parent's tree.
 */
public final class LayerApplier {
    private static final Logger LOG = LoggerFactory.getLogger(LayerApplier.class);
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String META_PREFIX = ".wh..wh.";
    private static final int COPY_BUFFER = 1 << 20;

    private final LayerLimits limits;

    public LayerApplier(LayerLimits limits) {
        this.limits = limits;
    }

    public ApplyReport apply(LayerSource layer, Path root) {
        String digest = layer.digest().toString();
        Run run = new Run(digest, new RootResolver(root));
        String current = "";
        try (LayerReader reader = new LayerReader(layer, limits)) {
            TarArchiveEntry entry;
            while (true) {
                try {
                    entry = reader.next();
                } catch (IOException e) {
                    throw reader.rejection(current.isEmpty() ? "(first entry)" : "after " + current, e);
                }
                if (entry == null) {
                    break;
                }
                current = entry.getName();
                try {
                    run.entry(entry, reader.content());
                } catch (EntryPath.Refused refused) {
                    throw StoreException.invalid(
                            "layer " + digest + " entry '" + current + "': " + refused.getMessage());
                } catch (LayerLimitException e) {
                    throw reader.rejection(current, e);
                } catch (IOException e) {
                    if (e instanceof java.io.EOFException
                            || String.valueOf(e.getMessage()).contains("runcated")) {
                        throw reader.rejection(current, e);
                    }
                    throw StoreException.internal("layer " + digest + " entry '" + current + "': " + e, e);
                }
            }
            run.finish();
            return new ApplyReport(run.entries, run.fileBytes, reader.uncompressedBytes(), List.copyOf(run.skipped));
        }
    }

    /** The state of one application: what this layer wrote (whiteouts only hide lower layers). */
    private final class Run {
        private final String digest;
        private final RootResolver resolver;
        private final Set<String> written = new HashSet<>();
        private final List<DirectoryTime> directoryTimes = new ArrayList<>();
        private final List<String> skipped = new ArrayList<>();
        private final byte[] buffer = new byte[COPY_BUFFER];
        private long entries;
        private long fileBytes;

        Run(String digest, RootResolver resolver) {
            this.digest = digest;
            this.resolver = resolver;
        }

        void entry(TarArchiveEntry entry, InputStream content) throws IOException, EntryPath.Refused {
            entries++;
            EntryPath path = EntryPath.parse(entry.getName());
            if (path.isRoot()) {
                return;
            }
            String name = path.name();
            if (name.startsWith(WHITEOUT)) {
                whiteout(path, name);
                return;
            }
            if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                LOG.warn("skipping device node layer={} path={}", digest, path);
                skipped.add(path + ": device node");
                return;
            }
            if (entry.isFile() && entry.getSize() > limits.maxEntryBytes()) {
                throw new EntryPath.Refused(
                        "file of " + entry.getSize() + " bytes is larger than the limit of " + limits.maxEntryBytes());
            }
            RootResolver.Resolved parent = resolver.directory(path.parent(), true, dir -> written.add(dir.key()));
            Path target = parent.host().resolve(name);
            String key = parent.components().isEmpty() ? name : parent.key() + "/" + name;
            BasicFileAttributes existing = RootResolver.lstat(target);
            if (entry.isDirectory()) {
                if (existing == null || !existing.isDirectory()) {
                    remove(target, existing);
                    Files.createDirectory(target);
                }
                EntryAttributes.ownerModeXattrs(digest, key, target, entry);
                directoryTimes.add(new DirectoryTime(target, entry));
            } else {
                remove(target, existing);
                if (entry.isSymbolicLink()) {
                    if (entry.getLinkName().isEmpty()) {
                        throw new EntryPath.Refused("symlink with an empty target");
                    }
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(target, hardLinkTarget(entry.getLinkName()));
                    written.add(key);
                    return; // a hard link shares its target's inode and attributes
                } else if (entry.isFIFO()) {
                    mkfifo(target);
                } else if (entry.isFile()) {
                    writeFile(target, entry, content);
                } else {
                    LOG.warn("skipping entry of unsupported type layer={} path={} type={}", digest, path, (char)
                            entry.getLinkFlag());
                    skipped.add(path + ": unsupported type '" + (char) entry.getLinkFlag() + "'");
                    return;
                }
                EntryAttributes.ownerModeXattrs(digest, key, target, entry);
                EntryAttributes.times(target, entry);
            }
            written.add(key);
        }

        private void writeFile(Path target, TarArchiveEntry entry, InputStream content)
                throws IOException, EntryPath.Refused {
            long copied = 0;
            try (OutputStream out = Files.newOutputStream(
                    target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                int n;
                while ((n = content.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    copied += n;
                }
            }
            long declared = entry.getSize(); // sparse entries never get here: LayerReader refuses them
            if (copied != declared) {
                throw new EntryPath.Refused("file content is " + copied + " bytes but its header declares " + declared
                        + " (truncated layer)");
            }
            fileBytes += copied;
        }

        private Path hardLinkTarget(String linkName) throws IOException, EntryPath.Refused {
            EntryPath link = EntryPath.parse(linkName);
            if (link.isRoot()) {
                throw new EntryPath.Refused("hard link to the layer root");
            }
            RootResolver.Resolved parent;
            try {
                parent = resolver.directory(link.parent(), false, dir -> {});
            } catch (NoSuchFileException e) {
                throw new EntryPath.Refused("hard link target '" + linkName + "' does not exist");
            } catch (EntryPath.Refused e) {
                throw new EntryPath.Refused("hard link target '" + linkName + "': " + e.getMessage());
            }
            Path target = parent.host().resolve(link.name());
            BasicFileAttributes attrs = RootResolver.lstat(target);
            if (attrs == null) {
                throw new EntryPath.Refused("hard link target '" + linkName + "' does not exist");
            }
            if (attrs.isDirectory()) {
                throw new EntryPath.Refused("hard link to directory '" + linkName + "'");
            }
            return target;
        }

        private void whiteout(EntryPath path, String name) throws IOException, EntryPath.Refused {
            RootResolver.Resolved parent;
            try {
                parent = resolver.directory(path.parent(), false, dir -> {});
            } catch (NoSuchFileException e) {
                return; // nothing below to hide
            }
            if (name.equals(OPAQUE)) {
                opaque(parent);
                return;
            }
            if (name.startsWith(META_PREFIX)) {
                return; // other aufs metadata (.wh..wh.plnk, ...) carries nothing for us
            }
            String hidden = name.substring(WHITEOUT.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                throw new EntryPath.Refused("whiteout of '" + hidden + "'");
            }
            String key = parent.components().isEmpty() ? hidden : parent.key() + "/" + hidden;
            if (written.contains(key)) {
                return; // whiteouts hide lower layers only, never this layer's own entries
            }
            Path target = parent.host().resolve(hidden);
            remove(target, RootResolver.lstat(target));
        }

        private void opaque(RootResolver.Resolved dir) throws IOException {
            String prefix = dir.components().isEmpty() ? "" : dir.key() + "/";
            List<Path> children;
            try (var stream = Files.list(dir.host())) {
                children = stream.toList();
            }
            for (Path child : children) {
                if (!written.contains(prefix + child.getFileName())) {
                    remove(child, RootResolver.lstat(child));
                }
            }
        }

        private void mkfifo(Path target) throws IOException {
            try {
                LibC.INSTANCE.mkfifo(target.toString(), 0644);
            } catch (LastErrorException e) {
                throw new IOException("mkfifo " + target + " failed: errno " + e.getErrorCode(), e);
            }
        }

        void finish() {
            // Directory times last: creating children inside updated them.
            for (int i = directoryTimes.size() - 1; i >= 0; i--) {
                EntryAttributes.times(
                        directoryTimes.get(i).path(), directoryTimes.get(i).entry());
            }
        }
    }

    private record DirectoryTime(Path path, TarArchiveEntry entry) {}

    /** Removes whatever is at {@code path} without following links: a file, a link, or a whole tree. */
    static void remove(Path path, BasicFileAttributes attrs) throws IOException {
        if (attrs == null) {
            return;
        }
        if (!attrs.isDirectory()) {
            Files.delete(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
