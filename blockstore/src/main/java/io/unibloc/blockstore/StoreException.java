package io.unibloc.blockstore;

import io.unibloc.registry.RegistryException;

/**
 * Every failure the engine reports. The message names what failed (image, layer, path, volume); the
 * {@link ErrorKind} says what a caller can do about it.
 */
public class StoreException extends RuntimeException {
    private final ErrorKind kind;

    public StoreException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StoreException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** True when the same call may succeed later without any change by the caller. */
    public boolean retryable() {
        return kind == ErrorKind.UNAVAILABLE;
    }

    public static StoreException notFound(String message) {
        return new StoreException(ErrorKind.NOT_FOUND, message);
    }

    public static StoreException invalid(String message) {
        return new StoreException(ErrorKind.INVALID_ARGUMENT, message);
    }

    public static StoreException alreadyExists(String message) {
        return new StoreException(ErrorKind.ALREADY_EXISTS, message);
    }

    public static StoreException precondition(String message) {
        return new StoreException(ErrorKind.FAILED_PRECONDITION, message);
    }

    public static StoreException exhausted(String message) {
        return new StoreException(ErrorKind.RESOURCE_EXHAUSTED, message);
    }

    public static StoreException unavailable(String message, Throwable cause) {
        return new StoreException(ErrorKind.UNAVAILABLE, message, cause);
    }

    public static StoreException internal(String message, Throwable cause) {
        return new StoreException(ErrorKind.INTERNAL, message, cause);
    }

    /**
     * The engine's view of a registry-module failure (a pull, a malformed reference or manifest): same message,
     * the kind that says the same to a caller, the original as the cause.
     */
    public static StoreException from(RegistryException e) {
        ErrorKind kind = switch (e.kind()) {
            case NOT_FOUND -> ErrorKind.NOT_FOUND;
            case INVALID_ARGUMENT -> ErrorKind.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> ErrorKind.UNAUTHENTICATED;
            case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
            case INTERNAL -> ErrorKind.INTERNAL;
        };
        return new StoreException(kind, e.getMessage(), e);
    }
}
