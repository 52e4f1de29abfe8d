package io.unibloc.registry;

import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;

/**
 * Every failure of the registry module: a malformed reference, digest, platform, manifest or credential file, or a
 * registry that refused, lacks or mangled what was asked. The message names the registry, repository, blob or file;
 * the {@link Kind} says what the caller can do. Its kinds are a subset of the project's one taxonomy ({@link
 * ErrorKind}): the engine turns it into a {@link StoreException} at its boundary ({@link #toStoreException()}), the
 * CSI components map it to gRPC codes at their service edge, the operator to condition reasons.
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

    /** The kind in the project's taxonomy: every registry kind has the kind of the same name there. */
    public ErrorKind errorKind() {
        return switch (kind) {
            case NOT_FOUND -> ErrorKind.NOT_FOUND;
            case INVALID_ARGUMENT -> ErrorKind.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> ErrorKind.UNAUTHENTICATED;
            case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
            case INTERNAL -> ErrorKind.INTERNAL;
        };
    }

    /**
     * The engine's view of this failure (a pull, a malformed reference or manifest): same message, the kind that
     * says the same to a caller, this as the cause.
     */
    public StoreException toStoreException() {
        return new StoreException(errorKind(), getMessage(), this);
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
