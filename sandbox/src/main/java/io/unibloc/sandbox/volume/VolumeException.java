package io.unibloc.sandbox.volume;

import java.io.IOException;

/** Reading from or writing into a volume's filesystem failed; the message names the device and the path. */
public class VolumeException extends IOException {

    private static final long serialVersionUID = 1L;

    public VolumeException(String message) {
        super(message);
    }

    public VolumeException(String message, Throwable cause) {
        super(message, cause);
    }
}
