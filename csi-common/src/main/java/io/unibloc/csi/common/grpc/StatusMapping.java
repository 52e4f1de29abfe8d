package io.unibloc.csi.common.grpc;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.unibloc.registry.RegistryException;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where failures become gRPC statuses. Block store errors map by their {@link ErrorKind}, registry
 * errors (pinning, references) by the same kind ({@link RegistryException#errorKind()}),
 * Kubernetes API errors by HTTP code, anything else is INTERNAL. The result is never UNKNOWN.
 *
 * <p>Only validated input errors become INVALID_ARGUMENT: a {@link StoreException} of kind INVALID_ARGUMENT or a
 * status a service threw after checking a field. A stray {@link IllegalArgumentException} (a
 * {@link NumberFormatException} deep in a library, say) is a bug or a host fault, so it is INTERNAL: callers
 * treat INVALID_ARGUMENT as final and would never retry. The call interceptor logs INTERNAL with its cause, once.
 */
public final class StatusMapping {
    private StatusMapping() {}

    public static Status toStatus(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof StatusRuntimeException e) {
            return known(e.getStatus(), t);
        }
        if (t instanceof StatusException e) {
            return known(e.getStatus(), t);
        }
        if (t instanceof StoreException e) {
            return fromKind(e.kind(), e);
        }
        if (t instanceof RegistryException e) {
            return fromKind(e.errorKind(), e);
        }
        if (t instanceof KubernetesClientException e) {
            return fromKubernetes(e);
        }
        if (t instanceof CancellationException || t instanceof InterruptedException) {
            return Status.CANCELLED
                    .withDescription("operation cancelled: " + t.getMessage())
                    .withCause(t);
        }
        return Status.INTERNAL.withDescription(describe(t)).withCause(t);
    }

    /** A status produced by some handler; UNKNOWN is replaced by the mapping of its cause. */
    public static Status normalise(Status status) {
        if (status.getCode() != Status.Code.UNKNOWN) {
            return status;
        }
        if (status.getCause() != null && !(status.getCause() instanceof StatusRuntimeException)) {
            return toStatus(status.getCause());
        }
        return Status.INTERNAL
                .withDescription(status.getDescription() == null ? "unexpected failure" : status.getDescription())
                .withCause(status.getCause());
    }

    /** One mapping for the project's taxonomy; a registry failure maps as the kind of the same name. */
    static Status fromKind(ErrorKind kind, RuntimeException e) {
        Status base = switch (kind) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case INTERNAL -> Status.INTERNAL;
        };
        return base.withDescription(e.getMessage()).withCause(e);
    }

    static Status fromKubernetes(KubernetesClientException e) {
        int code = e.getCode();
        Status base;
        if (code == 404) {
            base = Status.NOT_FOUND;
        } else if (code == 409) {
            // A concurrent writer won; the caller's retry sees the new state.
            base = Status.ABORTED;
        } else if (code == 401 || code == 403) {
            base = Status.PERMISSION_DENIED;
        } else if (code == 422 || code == 400) {
            base = Status.INVALID_ARGUMENT;
        } else if (code == 429 || code >= 500 || code <= 0) {
            // 0: no HTTP answer at all (connection refused, timeout).
            base = Status.UNAVAILABLE;
        } else {
            base = Status.INTERNAL;
        }
        return base.withDescription("Kubernetes API: " + describe(e)).withCause(e);
    }

    private static Status known(Status status, Throwable t) {
        return status.getCode() == Status.Code.UNKNOWN
                ? Status.INTERNAL.withDescription(status.getDescription()).withCause(t)
                : status;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
