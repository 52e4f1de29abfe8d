package io.unibloc.blockstore;

import java.util.Locale;

/** The filesystem a chain image is built with. {@code RAW} uses a disk image file shipped in the image as is. */
public enum FsType {
    EXT4,
    EXT2,
    VFAT,
    RAW;

    /** Parses {@code ext4|ext2|vfat|raw} (case-insensitive); anything else is INVALID_ARGUMENT. */
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

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
