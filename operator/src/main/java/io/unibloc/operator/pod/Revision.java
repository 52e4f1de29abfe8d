package io.unibloc.operator.pod;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A short hash of everything a guest is made from: the whole spec (image, kernel, args, resources,
 * files, scheduling — all of which a running Pod cannot change) and the pinned digest. A Pod whose
 * revision differs from the current one is replaced. The operator's own settings are deliberately not
 * part of it: upgrading the operator does not restart every guest.
 */
public final class Revision {
    /** Hex digits kept; 40 bits make a collision between two specs of one UnikernelPod irrelevant. */
    static final int LENGTH = 10;

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .build();

    private Revision() {}

    public static String of(UnikernelPodSpec spec, String pinnedImage) {
        try {
            byte[] json = CANONICAL.writeValueAsBytes(Map.of("spec", spec, "image", pinnedImage));
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(hash).substring(0, LENGTH);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the spec of a UnikernelPod", e);
        }
    }
}
