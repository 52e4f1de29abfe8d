package io.unibloc.csi.controller.provision;

import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import io.unibloc.types.WriteMode;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a volume's filesystem, read-only choice and write mode from text, the same way wherever it is given: as
 * StorageClass parameters or as claim annotations. Bad text is INVALID_ARGUMENT naming where it came from.
 */
public final class VolumeOptions {
    private VolumeOptions() {}

    /** {@code ext4|ext2|vfat|raw}; blank means ext4. */
    public static FsType fsType(String source, String text) {
        try {
            return FsType.parse(text);
        } catch (StoreException e) {
            throw StoreException.invalid(source + ": " + e.getMessage());
        }
    }

    /**
     * {@code persistent|ephemeral}, case-insensitive; blank is empty: the source does not say, and what another
     * source says, a recorded volume's mode or the controller's {@code --default-write-mode} applies.
     */
    public static Optional<WriteMode> writeMode(String source, String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(WriteMode.parse(text));
        } catch (StoreException e) {
            throw StoreException.invalid(source + ": " + e.getMessage());
        }
    }

    /** {@code true|false}, case-insensitive; blank means false. */
    public static boolean readOnly(String source, String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw StoreException.invalid(source + ": '" + text + "' is not true or false");
        };
    }
}
