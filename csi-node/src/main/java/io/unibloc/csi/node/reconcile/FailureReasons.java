package io.unibloc.csi.node.reconcile;

import io.unibloc.api.v1alpha1.BlockVolumeReasons;
import io.unibloc.types.ErrorKind;

/**
 * The engine's error kinds as the API's BlockVolume reasons: the one place where an engine enum meets the status
 * other components read, so that renaming an engine kind never changes what a status says.
 */
final class FailureReasons {
    private FailureReasons() {}

    static String of(ErrorKind kind) {
        return switch (kind) {
            case NOT_FOUND -> BlockVolumeReasons.IMAGE_NOT_FOUND;
            case UNAUTHENTICATED -> BlockVolumeReasons.REGISTRY_AUTH_FAILED;
            case UNAVAILABLE -> BlockVolumeReasons.REGISTRY_UNAVAILABLE;
            case INVALID_ARGUMENT -> BlockVolumeReasons.INVALID_SPEC;
            case RESOURCE_EXHAUSTED -> BlockVolumeReasons.STORE_FULL;
            case ALREADY_EXISTS -> BlockVolumeReasons.VOLUME_CONFLICT;
            case FAILED_PRECONDITION -> BlockVolumeReasons.PRECONDITION_FAILED;
            case INTERNAL -> BlockVolumeReasons.PREPARATION_FAILED;
        };
    }
}
