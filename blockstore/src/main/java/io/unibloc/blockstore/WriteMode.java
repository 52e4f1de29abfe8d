package io.unibloc.blockstore;

import java.util.Locale;

/**
 * How a volume takes the guest's writes. {@link #PERSISTENT}: a private reflink clone of the chain image
 * that keeps the writes for the volume's life (the default). {@link #EPHEMERAL}: the shared read-only
 * chain device, with the writes in a guest-private overlay that is discarded when the guest stops.
 */
public enum WriteMode {
    PERSISTENT,
    EPHEMERAL;

    /**
     * The StorageClass parameter and claim annotation that choose the mode: the same name as
     * {@code io.unibloc.api.wire.ClaimAnnotations.WRITE_MODE} (blockstore does not depend on api; a csi-controller
     * test keeps the two equal).
     */
    public static final String KEY = "unibloc.io/write-mode";

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code persistent} or {@code ephemeral}; null or blank is the default, persistent. */
    public static WriteMode parse(String value) {
        if (value == null || value.isBlank()) {
            return PERSISTENT;
        }
        for (WriteMode mode : values()) {
            if (mode.id().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw StoreException.invalid(KEY + " must be persistent or ephemeral, got '" + value + "'");
    }
}
