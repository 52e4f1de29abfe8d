package io.unibloc.blockstore.layers;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** Lookups in an unpacked layer tree with the same confinement rules the applier uses. */
public final class LayerTree {
    private LayerTree() {}

    /**
     * Resolves {@code path} (as an image names it, e.g. the {@code io.unibloc.disk} label) to a regular
     * file inside {@code root}, following symlinks only while they stay inside. Errors: INVALID_ARGUMENT
     * when the path or a link on it leaves the root, NOT_FOUND when nothing is there, FAILED_PRECONDITION
     * when it is not a regular file.
     */
    public static Path regularFile(Path root, String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        try {
            RootResolver resolver = new RootResolver(root);
            Path current = null;
            String remaining = relative;
            for (int hops = 0; hops < 40; hops++) {
                EntryPath entry = EntryPath.parse(remaining);
                if (entry.isRoot()) {
                    throw StoreException.precondition("'" + path + "' names the image root, not a file");
                }
                RootResolver.Resolved parent = resolver.directory(entry.parent(), false, dir -> {});
                current = parent.host().resolve(entry.name());
                BasicFileAttributes attrs =
                        Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attrs.isRegularFile()) {
                    return current;
                }
                if (!attrs.isSymbolicLink()) {
                    throw StoreException.precondition("'" + path + "' in the image is not a regular file");
                }
                String target = Files.readSymbolicLink(current).toString();
                if (target.startsWith("/")) {
                    throw StoreException.invalid(
                            "'" + path + "' is a symlink to an absolute path outside the image root");
                }
                remaining = parent.components().isEmpty() ? target : parent.key() + "/" + target;
                remaining = normalizeInside(remaining, path);
            }
            throw StoreException.invalid("'" + path + "': too many levels of symlinks");
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("'" + path + "' does not exist in the image");
        } catch (EntryPath.Refused e) {
            throw StoreException.invalid("'" + path + "': " + e.getMessage());
        } catch (IOException e) {
            throw StoreException.internal("cannot look up '" + path + "' in " + root + ": " + e.getMessage(), e);
        }
    }

    /** Folds {@code ..} lexically; climbing above the root is INVALID_ARGUMENT. */
    private static String normalizeInside(String relative, String original) {
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String part : relative.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw StoreException.invalid("'" + original + "' is a symlink that points outside the image root");
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    /**
     * Replaces what FAT cannot hold: a symlink to a regular file inside the tree becomes a copy of it;
     * other symlinks (to directories, dangling, leaving the tree) and special files are removed. A hard
     * link stays and is copied as its own file by mcopy. Returns one warning per path.
     */
    public static List<String> flattenForFat(Path tree) {
        List<String> warnings = new ArrayList<>();
        try {
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = tree.relativize(file).toString();
                    if (attrs.isSymbolicLink()) {
                        Path target = insideTarget(tree, file);
                        Files.delete(file);
                        if (target != null) {
                            Files.copy(target, file, StandardCopyOption.COPY_ATTRIBUTES);
                            warnings.add("path=" + rel + " symlink materialised as a copy");
                        } else {
                            warnings.add("path=" + rel + " symlink skipped (not to a regular file inside the image)");
                        }
                    } else if (attrs.isOther()) {
                        Files.delete(file);
                        warnings.add("path=" + rel + " special file skipped");
                    } else if (attrs.isRegularFile()
                            && ((Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)) > 1) {
                        warnings.add("path=" + rel + " hard link materialised as a copy");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw StoreException.internal("cannot prepare " + tree + " for vfat: " + e.getMessage(), e);
        }
        return warnings;
    }

    /** The regular file a symlink resolves to when that stays inside {@code tree}; else null. */
    private static Path insideTarget(Path tree, Path link) {
        try {
            String rel = tree.relativize(link).toString();
            return regularFile(tree, rel);
        } catch (StoreException e) {
            return null;
        }
    }
}
