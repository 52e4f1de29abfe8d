package io.unibloc.api.registry;

/**
 * A pull secret that cannot be used. The message names the Secret (namespace/name) and the problem, never a
 * value from it.
 */
public class PullSecretException extends RuntimeException {
    /** What is wrong: the Secret is missing, or it is not a docker-config Secret. */
    public enum Reason {
        NOT_FOUND,
        INVALID
    }

    private final Reason reason;

    public PullSecretException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
