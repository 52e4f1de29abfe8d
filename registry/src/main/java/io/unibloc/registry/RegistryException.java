package io.unibloc.registry;

/**
 * Every failure of the registry module: a malformed reference, digest, platform, manifest or credential file, or a
 * registry that refused, lacks or mangled what was asked. The message names the registry, repository, blob or file;
 * the {@link Kind} says what the caller can do. The engine maps it to its own error taxonomy at its boundary, the
 * CSI components to gRPC codes at their service edge, the operator to condition reasons.
 */
public class RegistryException extends RuntimeException {

    /** What kind of failure, from the caller's point of view. */
    public enum Kind {
        /** The image, tag, blob or platform does not exist on the registry. */
        NOT_FOUND,
        /** The input is malformed (reference, digest, platform, manifest, credentials) or content failed verification. */
        INVALID_ARGUMENT,
        /** The registry refused the credentials (HTTP 401/403, refused token). */
        UNAUTHENTICATED,
        /** The registry is unreachable or failing (5xx, broken downloads) after the retries; retrying later may work. */
        UNAVAILABLE,
        /** Anything else: a bug or an unexpected failure of the host; the message says what broke. */
        INTERNAL
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the same call may succeed later without any change by the caller. */
    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }

    public static RegistryException notFound(String message) {
        return new RegistryException(Kind.NOT_FOUND, message);
    }

    public static RegistryException invalid(String message) {
        return new RegistryException(Kind.INVALID_ARGUMENT, message);
    }

    public static RegistryException unauthenticated(String message) {
        return new RegistryException(Kind.UNAUTHENTICATED, message);
    }

    public static RegistryException unavailable(String message, Throwable cause) {
        return new RegistryException(Kind.UNAVAILABLE, message, cause);
    }
}
