package io.unibloc.csi.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Volume ids: the CSI volume id, the {@code BlockVolume} name and the block store's volume id are the same
 * string. It is derived from the CreateVolume request name so that repeated requests find the same record,
 * and it is always a safe file name and a valid Kubernetes object name.
 */
public final class CsiVolumeIds {
    /** A DNS-1123 label: lowercase letters, digits and '-', at most 63 characters. */
    private static final Pattern VALID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private static final String HASHED_PREFIX = "ubv-";

    private CsiVolumeIds() {}

    /**
     * The volume id for a request name. Names that are already valid ids (external-provisioner's
     * {@code pvc-<uid>}) are kept, so ids stay readable; any other name becomes {@code ubv-} plus 40 hex
     * digits of its SHA-256.
     */
    public static String fromRequestName(String requestName) {
        if (requestName == null || requestName.isEmpty()) {
            throw new IllegalArgumentException("request name is empty");
        }
        if (isValid(requestName) && !requestName.startsWith(HASHED_PREFIX)) {
            return requestName;
        }
        return HASHED_PREFIX + sha256Hex(requestName).substring(0, 40);
    }

    /** True when {@code id} could have been produced by {@link #fromRequestName}. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    private static String sha256Hex(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
