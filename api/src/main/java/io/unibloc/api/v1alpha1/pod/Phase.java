package io.unibloc.api.v1alpha1.pod;

/**
 * Where a UnikernelPod is on its way to a running guest. {@code Pending}: the image is not pinned yet;
 * {@code Preparing}: the Pod exists, its root volume is being provisioned or it is being scheduled;
 * {@code Booting}: volume bound and node chosen, the sandbox is starting the guest; {@code Running}: the
 * sandbox is running and ready; {@code Succeeded}/{@code Failed}: the guest exited (or the spec cannot be run).
 */
public enum Phase {
    Pending,
    Preparing,
    Booting,
    Running,
    Succeeded,
    Failed
}
