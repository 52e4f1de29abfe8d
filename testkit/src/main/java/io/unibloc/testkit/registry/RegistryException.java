package io.unibloc.testkit.registry;

/**
 * The registry answered a distribution-API request with an unexpected HTTP status.
 *
 * <p>The message names the method, URL, status and the start of the response body (the registry's error JSON), so
 * a failing test shows what the registry objected to. {@link #status()} lets a test assert on the code, e.g. 401.
 */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status code the registry answered with. */
    public int status() {
        return status;
    }
}
