package io.unibloc.csi.node.publish;

import io.unibloc.csi.common.grpc.CsiErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Which paths a request may name. A path must be absolute and already normalised (no {@code .}, {@code ..},
 * doubled slashes), lie under one of the allowed roots (kubelet's directory in production) both as written
 * and after resolving the symlinks of its existing ancestors, and never inside the block store or a
 * system directory. Violations are INVALID_ARGUMENT naming the field.
 */
public final class PathPolicy {
    private static final List<Path> SYSTEM = List.of(
            Path.of("/proc"),
            Path.of("/sys"),
            Path.of("/dev"),
            Path.of("/etc"),
            Path.of("/boot"),
            Path.of("/usr"),
            Path.of("/bin"),
            Path.of("/sbin"),
            Path.of("/lib"),
            Path.of("/lib64"));
    private static final int MAX_LENGTH = 4096;

    private final List<Path> allowedRoots;
    private final List<Path> forbidden;

    /** @param allowedRoots where targets may live; @param storeDir the block store, never reachable */
    public PathPolicy(List<Path> allowedRoots, Path storeDir) {
        this.allowedRoots =
                allowedRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.forbidden = new java.util.ArrayList<>(SYSTEM);
        this.forbidden.add(storeDir.toAbsolutePath().normalize());
        for (Path p : List.copyOf(forbidden)) {
            try {
                Path real = p.toRealPath();
                if (!real.equals(p)) {
                    forbidden.add(real);
                }
            } catch (IOException ignored) {
                // A missing directory cannot be reached through a symlink either.
            }
        }
    }

    /** The checked path; throws INVALID_ARGUMENT naming {@code field}. */
    public Path check(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw CsiErrors.missing(field);
        }
        if (text.length() > MAX_LENGTH || text.chars().anyMatch(c -> c == 0 || c == '\n' || c == '\r')) {
            throw CsiErrors.invalid(field, "contains control characters or is too long");
        }
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw CsiErrors.invalid(field, "is not a path: " + e.getMessage());
        }
        if (!path.isAbsolute()) {
            throw CsiErrors.invalid(field, "'" + text + "' is not absolute");
        }
        if (!path.normalize().toString().equals(text) || text.contains("/../") || text.endsWith("/..")) {
            throw CsiErrors.invalid(field, "'" + text + "' is not normalised (., .. or doubled slashes)");
        }
        if (path.getParent() == null) {
            throw CsiErrors.invalid(field, "'" + text + "' is the root directory");
        }
        requireAllowed(field, text, path);
        Path resolved = resolveExisting(path);
        requireAllowed(field, text + " (resolved: " + resolved + ")", resolved);
        return path;
    }

    private void requireAllowed(String field, String shown, Path path) {
        for (Path bad : forbidden) {
            if (path.startsWith(bad)) {
                throw CsiErrors.invalid(field, "'" + shown + "' is inside " + bad + ", which volumes may never reach");
            }
        }
        if (!allowedRoots.isEmpty() && allowedRoots.stream().noneMatch(path::startsWith)) {
            throw CsiErrors.invalid(field, "'" + shown + "' is outside the allowed directories " + allowedRoots);
        }
    }

    /**
     * The path with every existing ancestor's symlinks resolved, and the final component as written when it
     * is a symlink itself (the caller refuses to act on a symlinked target).
     */
    static Path resolveExisting(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            Path anchor = existing.equals(path) && Files.isSymbolicLink(path) ? path.getParent() : existing;
            Path real = anchor.toRealPath();
            return real.resolve(anchor.relativize(path));
        } catch (IOException e) {
            return path;
        }
    }
}
