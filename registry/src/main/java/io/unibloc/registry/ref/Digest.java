package io.unibloc.registry.ref;

import io.unibloc.registry.RegistryException;
import java.util.regex.Pattern;

/** A content digest as OCI writes it, {@code sha256:<64 hex>}. Only sha256 is accepted. */
public record Digest(String algorithm, String hex) {
    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");

    public Digest {
        if (!"sha256".equals(algorithm) || hex == null || !SHA256.matcher(hex).matches()) {
            throw RegistryException.invalid(
                    "invalid digest '" + algorithm + ":" + hex + "': expected sha256:<64 lowercase hex>");
        }
    }

    /** Parses {@code sha256:<hex>}; anything else is INVALID_ARGUMENT naming the text. */
    public static Digest parse(String text) {
        if (text == null) {
            throw RegistryException.invalid("digest is missing");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw RegistryException.invalid("invalid digest '" + text + "': expected sha256:<64 lowercase hex>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256(String hex) {
        return new Digest("sha256", hex);
    }

    /** The first 12 hex digits, for logs and names. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
