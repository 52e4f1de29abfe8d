package io.unibloc.csi.controller.provision;

import io.grpc.Status;
import io.unibloc.api.v1alpha1.BlockVolumeReasons;

/**
 * The gRPC code CreateVolume answers for a BlockVolume the node reports Failed, chosen by the API reason in its
 * status. A reason this controller does not know (a newer node plugin, a hand-edited status, none at all) is
 * INTERNAL with the node's message, never an exception of its own.
 */
final class FailureCodes {
    private FailureCodes() {}

    static Status.Code of(String reason) {
        if (reason == null) {
            return Status.Code.INTERNAL;
        }
        return switch (reason) {
            case BlockVolumeReasons.IMAGE_NOT_FOUND -> Status.Code.NOT_FOUND;
            case BlockVolumeReasons.REGISTRY_AUTH_FAILED -> Status.Code.UNAUTHENTICATED;
            case BlockVolumeReasons.REGISTRY_UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case BlockVolumeReasons.INVALID_SPEC -> Status.Code.INVALID_ARGUMENT;
            case BlockVolumeReasons.STORE_FULL -> Status.Code.RESOURCE_EXHAUSTED;
            case BlockVolumeReasons.VOLUME_CONFLICT -> Status.Code.ALREADY_EXISTS;
            case BlockVolumeReasons.PRECONDITION_FAILED -> Status.Code.FAILED_PRECONDITION;
            default -> Status.Code.INTERNAL;
        };
    }
}
