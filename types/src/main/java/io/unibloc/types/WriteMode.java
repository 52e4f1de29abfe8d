package io.unibloc.types;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * How a root volume takes the guest's writes. {@link #EPHEMERAL}: the node's shared read-only chain device, with the
 * writes in a guest-private overlay in the Pod's scratch space that is discarded when the guest stops; guests of one
 * image then share the node's page cache — what users get when they do not say (issue 19: the operator's
 * {@code RootWriteMode}, the csi-controller's {@code VolumeRequest.DEFAULT_WRITE_MODE}, {@code unibloc run}).
 * {@link #PERSISTENT}: a private reflink clone of the chain image that keeps the writes for the volume's life, at
 * the price of its own page cache and disk; still what {@link #parse} and the engine take for an absent value,
 * because records written before the field existed are persistent.
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

    /** Parses {@code persistent} or {@code ephemeral}; null or blank is persistent (a record without the field). */
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
