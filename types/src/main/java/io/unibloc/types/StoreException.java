package io.unibloc.types;

/**
 * Every failure the engine reports, and the one the CSI components raise for the same reasons (a bad parameter, a
 * volume that exists with other options), so that one status mapping serves both. The message names what failed
 * (image, layer, path, volume); the {@link ErrorKind} says what a caller can do about it. A registry-module failure
 * becomes one with {@code RegistryException#toStoreException()}.
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
}
