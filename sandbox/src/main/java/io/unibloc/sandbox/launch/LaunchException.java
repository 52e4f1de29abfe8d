package io.unibloc.sandbox.launch;

import java.io.IOException;

/** The host side of a boot is not as the spec says: a device is missing, read-only, or a file unreadable. */
public class LaunchException extends IOException {

    private static final long serialVersionUID = 1L;

    public LaunchException(String message) {
        super(message);
    }
}
