package io.unibloc.blockstore.layers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Resolves in-layer paths to host paths under a root without ever letting the kernel follow a link:
 * every component is {@code lstat}ed; a symlink met on the way is expanded here, and only when its target
 * stays inside the root (a relative target that does not climb above it). An absolute target would point
 * at the host's own tree, so writing through it is refused; a tar writer never writes through symlinks,
 * so a legitimate layer does not need that.
 */
final class RootResolver {
    private static final int MAX_LINKS = 40;

    private final Path root;

    RootResolver(Path root) {
        this.root = root;
    }

    /** An in-root path without symlinks: its components and its host path. */
    record Resolved(List<String> components, Path host) {
        String key() {
            return String.join("/", components);
        }
    }

    /**
     * Resolves {@code components} as a directory. Missing directories are created (0755, reported to
     * {@code created}) when {@code create}; otherwise a missing one throws {@link NoSuchFileException}.
     */
    Resolved directory(List<String> components, boolean create, Consumer<Resolved> created)
            throws IOException, EntryPath.Refused {
        Deque<String> pending = new ArrayDeque<>(components);
        List<String> current = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (current.isEmpty()) {
                    throw new EntryPath.Refused("a symlink on the path points outside the layer root");
                }
                current.remove(current.size() - 1);
                continue;
            }
            Path host = host(current).resolve(part);
            BasicFileAttributes attrs = lstat(host);
            if (attrs == null) {
                if (!create) {
                    throw new NoSuchFileException(host.toString());
                }
                Files.createDirectory(host);
                current.add(part);
                created.accept(new Resolved(List.copyOf(current), host));
            } else if (attrs.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    throw new EntryPath.Refused("too many levels of symlinks");
                }
                String target = Files.readSymbolicLink(host).toString();
                if (target.startsWith("/")) {
                    throw new EntryPath.Refused("writing through symlink '" + String.join("/", current)
                            + (current.isEmpty() ? "" : "/") + part + "' whose absolute target '" + target
                            + "' points outside the layer root");
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    pending.addFirst(parts[i]);
                }
            } else if (attrs.isDirectory()) {
                current.add(part);
            } else {
                throw new EntryPath.Refused("'" + String.join("/", current) + (current.isEmpty() ? "" : "/") + part
                        + "' is not a directory");
            }
        }
        return new Resolved(List.copyOf(current), host(current));
    }

    Path host(List<String> components) {
        return components.isEmpty() ? root : root.resolve(String.join("/", components));
    }

    /** {@code lstat}, or null when nothing is there. */
    static BasicFileAttributes lstat(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
