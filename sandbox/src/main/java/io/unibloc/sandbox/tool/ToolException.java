package io.unibloc.sandbox.tool;

import java.io.IOException;

/** A host tool could not be started, did not finish in time, or reported a failure. */
public class ToolException extends IOException {

    private static final long serialVersionUID = 1L;

    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
