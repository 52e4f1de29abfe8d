package io.unibloc.types;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * How a root volume takes the guest's writes. {@link #PERSISTENT}: a private reflink clone of the chain image that
 * keeps the writes for the volume's life (the default). {@link #EPHEMERAL}: the node's shared read-only chain
 * device, with the writes in a guest-private overlay in the Pod's scratch space that is discarded when the guest
 * stops; guests of one image then share the node's page cache.
 */
public enum WriteMode {
    @JsonProperty("persistent")
    PERSISTENT,
    @JsonProperty("ephemeral")
    EPHEMERAL;

    /** The StorageClass parameter and claim annotation that choose the mode (api's {@code ClaimAnnotations}). */
    public static final String KEY = "unibloc.io/write-mode";

    /** The spelling of the CRD field, the StorageClass parameter and the claim annotation {@link #KEY}. */
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
