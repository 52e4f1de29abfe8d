package io.unibloc.operator.pod;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.unibloc.operator.runtimeclass.RuntimeClasses;

/**
 * Why the API server refused a Pod, from structured facts only: the HTTP code and Status {@code reason} (422
 * Invalid: the Pod itself is wrong; 403 Forbidden: an admission plugin or webhook said no) and, for a 403, whether
 * the Pod's RuntimeClass exists. The RuntimeClass admission plugin answers a missing class with a plain 403 whose
 * details name only the Pod, so the message text is all that would distinguish it — and a message can mention a
 * RuntimeClass for any reason (a webhook that forbids one in a namespace, a quota on its overhead). Reading the
 * RuntimeClass settles it.
 */
final class RefusalReason {
    static final String INVALID = "PodInvalid";
    static final String RUNTIME_CLASS_MISSING = "RuntimeClassMissing";
    static final String FORBIDDEN = "PodCreateForbidden";

    private RefusalReason() {}

    /** Only for codes 403 and 422. */
    static String of(KubernetesClientException refused, String runtimeClassName, RuntimeClasses runtimeClasses) {
        String statusReason =
                refused.getStatus() == null ? null : refused.getStatus().getReason();
        if (refused.getCode() == 422 || "Invalid".equals(statusReason)) {
            return INVALID;
        }
        if (runtimeClassName != null
                && runtimeClasses.lookup(runtimeClassName) instanceof RuntimeClasses.Lookup.Missing) {
            return RUNTIME_CLASS_MISSING;
        }
        return FORBIDDEN;
    }
}
