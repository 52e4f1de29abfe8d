package io.unibloc.csi.common.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Statuses that services throw for request problems, each naming the field or object concerned. */
public final class CsiErrors {
    private CsiErrors() {}

    public static StatusRuntimeException invalid(String field, String problem) {
        return Status.INVALID_ARGUMENT.withDescription(field + ": " + problem).asRuntimeException();
    }

    public static StatusRuntimeException missing(String field) {
        return invalid(field, "is required");
    }

    public static StatusRuntimeException notFound(String message) {
        return Status.NOT_FOUND.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException alreadyExists(String message) {
        return Status.ALREADY_EXISTS.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException precondition(String message) {
        return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
    }

    /** The operation is in progress for this volume; the caller should retry (CSI's "operation pending"). */
    public static StatusRuntimeException pending(String message) {
        return Status.ABORTED.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException unavailable(String message) {
        return Status.UNAVAILABLE.withDescription(message).asRuntimeException();
    }
}
