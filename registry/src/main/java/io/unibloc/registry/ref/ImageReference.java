package io.unibloc.registry.ref;

import io.unibloc.registry.RegistryException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed image reference {@code [registry/]repository[:tag][@digest]}, normalised as docker does:
 * no registry means {@code docker.io}, a one-part repository on docker.io gets {@code library/}, no tag
 * and no digest means {@code latest}.
 *
 * <p>A reference may instead name a local OCI image layout directory, {@code oci:DIR[:TAG][@digest]}.
 * Then {@link #layout()} is the absolute directory, {@link #registry()} is {@value #OCI_LAYOUT_REGISTRY},
 * {@link #repository()} is the directory's text, and the tag may be absent (meaning: the layout's only
 * image).
 */
public record ImageReference(String registry, String repository, String tag, Digest digest, Path layout) {
    public static final String DOCKER_HUB = "docker.io";
    /** The {@link #registry()} of every {@code oci:} layout reference. */
    public static final String OCI_LAYOUT_REGISTRY = "oci";

    public static final String OCI_LAYOUT_PREFIX = "oci:";

    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public ImageReference {
        if (layout != null) {
            layout = layout.toAbsolutePath().normalize();
            registry = OCI_LAYOUT_REGISTRY;
            repository = layout.toString();
        } else if (registry == null
                || registry.isEmpty()
                || repository == null
                || !REPOSITORY.matcher(repository).matches()) {
            throw RegistryException.invalid(
                    "invalid image reference: registry '" + registry + "', repository '" + repository + "'");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw RegistryException.invalid(
                    "invalid tag '" + tag + "' in image reference " + registry + "/" + repository);
        }
        if (tag == null && digest == null && layout == null) {
            tag = "latest";
        }
    }

    /** A registry reference (no layout). */
    public ImageReference(String registry, String repository, String tag, Digest digest) {
        this(registry, repository, tag, digest, null);
    }

    /** A reference to an OCI image layout directory; {@code tag} and {@code digest} may be null. */
    public static ImageReference ofLayout(Path layout, String tag, Digest digest) {
        if (layout == null) {
            throw RegistryException.invalid("OCI layout directory is missing");
        }
        return new ImageReference(OCI_LAYOUT_REGISTRY, null, tag, digest, layout);
    }

    /** Parses a reference; a malformed one is INVALID_ARGUMENT naming the text. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw RegistryException.invalid("image reference is empty");
        }
        String rest = text.trim();
        if (rest.startsWith(OCI_LAYOUT_PREFIX)) {
            return parseLayout(text, rest.substring(OCI_LAYOUT_PREFIX.length()));
        }
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = parseDigest(text, rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        try {
            return new ImageReference(registry, rest, tag, digest);
        } catch (RegistryException e) {
            throw RegistryException.invalid("invalid image reference '" + text + "': " + e.getMessage());
        }
    }

    private static ImageReference parseLayout(String text, String rest) {
        Digest digest = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            digest = parseDigest(text, rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        // A tag follows the last colon after the last slash, so "oci:./a:b/dir" is a directory only.
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
            throw RegistryException.invalid("invalid image reference '" + text + "': OCI layout directory is missing");
        }
        try {
            return ofLayout(Path.of(rest), tag, digest);
        } catch (RegistryException e) {
            throw RegistryException.invalid("invalid image reference '" + text + "': " + e.getMessage());
        } catch (RuntimeException e) {
            throw RegistryException.invalid("invalid image reference '" + text + "': bad directory: " + e.getMessage());
        }
    }

    private static Digest parseDigest(String text, String digestText) {
        try {
            return Digest.parse(digestText);
        } catch (RegistryException e) {
            throw RegistryException.invalid("invalid image reference '" + text + "': " + e.getMessage());
        }
    }

    public Optional<Digest> pinnedDigest() {
        return Optional.ofNullable(digest);
    }

    /** True for {@code oci:} layout references. */
    public boolean isLayout() {
        return layout != null;
    }

    /** The same image pinned to {@code pinned}; the tag is kept for humans. */
    public ImageReference withDigest(Digest pinned) {
        return new ImageReference(registry, repository, tag, pinned, layout);
    }

    /** What to ask the registry's manifest endpoint for: the digest if pinned, else the tag. */
    public String manifestKey() {
        return digest != null ? digest.toString() : tag;
    }

    /** The canonical text, e.g. {@code 127.0.0.1:5000/app:1.0@sha256:...} or {@code oci:/srv/app:1.0}. */
    @Override
    public String toString() {
        String name = layout != null ? OCI_LAYOUT_PREFIX + layout : registry + "/" + repository;
        return name + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
