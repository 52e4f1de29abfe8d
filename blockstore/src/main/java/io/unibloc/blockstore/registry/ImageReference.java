package io.unibloc.blockstore.registry;

import io.unibloc.blockstore.StoreException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed image reference {@code [registry/]repository[:tag][@digest]}, normalised as docker does:
 * no registry means {@code docker.io}, a one-part repository on docker.io gets {@code library/}, no tag
 * and no digest means {@code latest}.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public ImageReference {
        if (registry == null || registry.isEmpty() || repository == null || !REPOSITORY.matcher(repository).matches()) {
            throw StoreException.invalid("invalid image reference: registry '" + registry + "', repository '" + repository + "'");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw StoreException.invalid("invalid tag '" + tag + "' in image reference " + registry + "/" + repository);
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
    }

    /** Parses a reference; a malformed one is INVALID_ARGUMENT naming the text. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw StoreException.invalid("image reference is empty");
        }
        String rest = text.trim();
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
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
        } catch (StoreException e) {
            throw StoreException.invalid("invalid image reference '" + text + "': " + e.getMessage());
        }
    }

    public Optional<Digest> pinnedDigest() {
        return Optional.ofNullable(digest);
    }

    /** The same image pinned to {@code pinned}; the tag is kept for humans. */
    public ImageReference withDigest(Digest pinned) {
        return new ImageReference(registry, repository, tag, pinned);
    }

    /** What to ask the registry's manifest endpoint for: the digest if pinned, else the tag. */
    public String manifestKey() {
        return digest != null ? digest.toString() : tag;
    }

    /** The canonical text, e.g. {@code 127.0.0.1:5000/app:1.0@sha256:...}. */
    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
