package io.unibloc.api.v1alpha1.pod;

/** Passed to the Pod as is: the kubelet restarts the sandbox, and with it the guest, on the same volume. */
public enum RestartPolicy {
    Always,
    OnFailure,
    Never
}
