package io.unibloc.sandbox;

import io.unibloc.sandbox.net.NetworkSetupException;

/**
 * The guest's network could not be set up, so no guest was booted; reported with the reason {@value
 * NetworkSetupException#REASON}.
 */
public final class SandboxNetworkException extends SandboxException {

    private static final long serialVersionUID = 1L;

    public SandboxNetworkException(NetworkSetupException cause) {
        super(cause.getMessage(), cause);
    }
}
