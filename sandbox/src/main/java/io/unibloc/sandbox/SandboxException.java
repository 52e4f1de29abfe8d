package io.unibloc.sandbox;

/** A boot could not be prepared or started; the message says which device, file or tool and why. */
public class SandboxException extends Exception {

    private static final long serialVersionUID = 1L;

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
