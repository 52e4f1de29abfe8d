package io.unibloc.testkit.image;

import java.util.Objects;

/**
 * The platform an image is built for, as OCI writes it in the config and in index entries.
 *
 * @param variant CPU variant such as {@code v8}, or {@code null} for none
 */
public record Platform(String os, String architecture, String variant) {
    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);
    public static final Platform LINUX_ARM64 = new Platform("linux", "arm64", "v8");

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        if (os.isBlank() || architecture.isBlank() || (variant != null && variant.isBlank())) {
            throw new IllegalArgumentException("platform parts must not be blank: " + os + "/" + architecture
                    + (variant == null ? "" : "/" + variant));
        }
    }

    /** Parses {@code os/arch} or {@code os/arch/variant}, e.g. {@code linux/arm64/v8}. */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("platform '" + text + "' is not os/arch[/variant]");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
