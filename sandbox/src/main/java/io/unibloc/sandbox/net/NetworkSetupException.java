package io.unibloc.sandbox.net;

/**
 * The guest's network could not be set up, so the guest must not boot (a guest that boots deaf looks healthy and
 * answers nothing). The message is one line naming the cause and the fix; the sandbox reports it with the reason
 * {@value #REASON}.
 */
public class NetworkSetupException extends Exception {

    /** The termination-message reason the operator maps to a condition and an Event. */
    public static final String REASON = "NetworkSetupFailed";

    private static final long serialVersionUID = 1L;

    public NetworkSetupException(String message) {
        super(message);
    }

    public NetworkSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
