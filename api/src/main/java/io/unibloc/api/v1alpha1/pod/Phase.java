package io.unibloc.api.v1alpha1.pod;

/**
 * Where a UnikernelPod is on its way to a running guest, named as {@code kubectl get pod} names the same state of
 * the Pod that runs it (its STATUS column). {@code Pending}: the image is not pinned yet; {@code Preparing}: the Pod
 * exists, its root volume is being provisioned or it is being scheduled; {@code Booting}: volume bound and node
 * chosen, the sandbox is starting the guest; {@code Running}: the guest wrote to its console and the Pod is Ready;
 * {@code CrashLoopBackOff}: the guest ended and the kubelet starts it again with back-off (restartPolicy Always, or
 * OnFailure after an error); {@code Completed}: the guest exited successfully and is not restarted (the Pod
 * Succeeded); {@code Failed}: the guest failed and is not restarted, or the spec cannot be run.
 */
public enum Phase {
    Pending,
    Preparing,
    Booting,
    Running,
    CrashLoopBackOff,
    Completed,
    Failed
}
