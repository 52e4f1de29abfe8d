package io.unibloc.types;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * The filesystem a root volume (a chain image) is built with; {@code raw} uses a disk image file shipped in the
 * image as is. One type for the CRDs, the StorageClass parameter and the engine: the {@link #id()} is the spelling
 * everywhere, and the engine keys its chains by it, so it never changes.
 */
public enum FsType {
    @JsonProperty("ext4")
    EXT4,
    @JsonProperty("ext2")
    EXT2,
    @JsonProperty("vfat")
    VFAT,
    @JsonProperty("raw")
    RAW;

    /** Parses {@code ext4|ext2|vfat|raw} (case-insensitive); blank is ext4, anything else is INVALID_ARGUMENT. */
    public static FsType parse(String text) {
        if (text == null || text.isBlank()) {
            return EXT4;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw StoreException.invalid("unknown filesystem type '" + text + "': expected ext4, ext2, vfat or raw");
        }
    }

    /** The spelling of the CRD field, the StorageClass parameter and the claim annotation, e.g. {@code ext4}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
