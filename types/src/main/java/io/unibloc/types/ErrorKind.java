package io.unibloc.types;

/**
 * The one error taxonomy of the engine and the CSI components ({@link StoreException}); the registry module's
 * kinds are a subset of it. Callers at a service edge map each kind to their protocol's status (gRPC codes in the
 * CSI components, exit codes in the CLI) in exactly one place.
 */
public enum ErrorKind {
    /** The named image, blob, chain or volume does not exist. */
    NOT_FOUND,
    /** A thing with this key exists with different, incompatible parameters. */
    ALREADY_EXISTS,
    /** The request itself is malformed: bad reference, bad size, hostile layer entry, wrong digest. */
    INVALID_ARGUMENT,
    /** The request is valid but the current state forbids it, e.g. deleting an attached volume. */
    FAILED_PRECONDITION,
    /** The store is full or a configured limit (size, ratio, budget) was reached. */
    RESOURCE_EXHAUSTED,
    /** A dependency (registry, kernel facility) is unreachable for now; retrying may succeed. */
    UNAVAILABLE,
    /** Credentials were refused by the registry. */
    UNAUTHENTICATED,
    /** A bug or an unexpected failure of the host (I/O error, tool crashed). */
    INTERNAL
}
