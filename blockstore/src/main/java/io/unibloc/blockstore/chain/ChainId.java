package io.unibloc.blockstore.chain;

import io.unibloc.registry.ref.Digest;
import io.unibloc.types.FsType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The name of one chain image: sha256 over the OCI ChainID of its layers (as containerd computes it:
 * {@code ChainID(L1) = DiffID(L1)}, {@code ChainID(L1..n) = sha256(ChainID(L1..n-1) + " " + DiffID(Ln))}),
 * the filesystem type and, for raw images, the disk path. Also the version of the image format, so that a
 * change in how images are built never reuses old ones.
 */
public record ChainId(String value) {
    private static final String FORMAT = "unibloc-chain-v1";
    private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");

    public ChainId {
        if (value == null || !HEX.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid chain id: " + value);
        }
    }

    public static boolean isValid(String value) {
        return value != null && HEX.matcher(value).matches();
    }

    /** {@code variant} distinguishes images of the same layers and type (the raw disk path); may be empty. */
    public static ChainId of(List<Digest> diffIds, FsType fs, String variant) {
        return new ChainId(
                sha256(FORMAT + "\n" + ociChainId(diffIds) + "\n" + fs.id() + "\n" + (variant == null ? "" : variant)));
    }

    /** containerd's ChainID of the layers, bottom first. */
    public static Digest ociChainId(List<Digest> diffIds) {
        if (diffIds.isEmpty()) {
            throw new IllegalArgumentException("a chain has at least one layer");
        }
        Digest chain = diffIds.get(0);
        for (int i = 1; i < diffIds.size(); i++) {
            chain = Digest.sha256(sha256(chain + " " + diffIds.get(i)));
        }
        return chain;
    }

    public String shortId() {
        return value.substring(0, 12);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
