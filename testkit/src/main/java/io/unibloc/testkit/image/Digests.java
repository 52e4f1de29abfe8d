package io.unibloc.testkit.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** OCI content digests as strings, {@code sha256:<64 lowercase hex>}, the form registries and manifests use. */
public final class Digests {
    private Digests() {}

    /** The OCI digest of {@code content}. */
    public static String sha256(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(sha256Bytes(content));
    }

    /** The 64 hex digits of a {@code sha256:} digest, e.g. the file name under {@code blobs/sha256/}. */
    public static String hex(String digest) {
        if (digest == null || !digest.matches("sha256:[a-f0-9]{64}")) {
            throw new IllegalArgumentException("digest '" + digest + "' is not sha256:<64 lowercase hex>");
        }
        return digest.substring("sha256:".length());
    }

    private static byte[] sha256Bytes(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
