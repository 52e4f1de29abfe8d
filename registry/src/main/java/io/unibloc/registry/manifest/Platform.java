package io.unibloc.registry.manifest;

import io.unibloc.registry.RegistryException;
import java.util.Locale;

/** An OS/architecture[/variant] pair as OCI indexes describe it; {@link #DEFAULT} is linux/amd64. */
public record Platform(String os, String architecture, String variant) {
    public static final Platform DEFAULT = new Platform("linux", "amd64", null);

    public Platform {
        if (os == null || os.isBlank() || architecture == null || architecture.isBlank()) {
            throw RegistryException.invalid("invalid platform: os and architecture are required");
        }
        os = os.toLowerCase(Locale.ROOT);
        architecture = architecture.toLowerCase(Locale.ROOT);
        variant = variant == null || variant.isBlank() ? null : variant.toLowerCase(Locale.ROOT);
    }

    /** Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}; null or blank gives the default. */
    public static Platform parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        String[] parts = text.trim().split("/");
        if (parts.length < 2 || parts.length > 3) {
            throw RegistryException.invalid("invalid platform '" + text + "': expected os/arch[/variant]");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /**
     * True when an image built for {@code candidate} runs here: same os and architecture, and the
     * variant matches when we ask for one (an unspecified variant accepts any).
     */
    public boolean accepts(Platform candidate) {
        return os.equals(candidate.os)
                && architecture.equals(candidate.architecture)
                && (variant == null || variant.equals(candidate.variant));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant != null ? "/" + variant : "");
    }
}
