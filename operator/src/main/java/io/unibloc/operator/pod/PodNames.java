package io.unibloc.operator.pod;

/**
 * The fixed names and paths of the Pod the operator creates. Names the CSI driver reads live in
 * {@code io.unibloc.api.wire}.
 */
public final class PodNames {
    /** Where the sandbox container finds the root volume (volumeDevices). */
    public static final String ROOT_DEVICE = "/dev/unibloc-root";
    /** The sandbox container's name. */
    public static final String SANDBOX_CONTAINER = "sandbox";
    /** The root volume: a claim named {@code <pod>-root-<random>} that the operator creates before the Pod. */
    public static final String ROOT_VOLUME = "root";
    /** Projected file {@code n} is mounted at {@code FILES_DIR/n/}. */
    public static final String FILES_DIR = "/run/unibloc/files";
    /** The environment variable holding the boot spec JSON. */
    public static final String BOOT_SPEC_ENV = "UNIBLOC_BOOT_SPEC";

    /** Pod and claim annotation naming the UnikernelPod (no length limit, unlike a label). */
    public static final String ANNOTATION_OWNER = "unibloc.io/unikernel-pod";
    /** Pod annotation: the revision of spec and pinned image the Pod was built from. */
    public static final String ANNOTATION_REVISION = "unibloc.io/revision";
    /** Label on Pods and claims, so the operator's informers cache only its own objects. */
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

    public static final String MANAGED_BY = "unibloc-operator";
    /** Label with the UnikernelPod's name, set when the name fits a label value (63 characters). */
    public static final String LABEL_OWNER = "unibloc.io/unikernel-pod";

    /** Pod names leave room for the claim suffix {@code -root} within 253 characters. */
    private static final int MAX_POD_NAME = 253 - ROOT_VOLUME.length() - 1;

    private PodNames() {}

    /** {@code <unikernelpod>-<revision>}, the owner's name shortened if the whole would be too long. */
    public static String podName(String owner, String revision) {
        String suffix = "-" + revision;
        String base = owner.length() + suffix.length() > MAX_POD_NAME
                ? owner.substring(0, MAX_POD_NAME - suffix.length())
                : owner;
        // A name must not end in '-' or '.' before the suffix joins it; shortening may have left one.
        while (base.endsWith("-") || base.endsWith(".")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + suffix;
    }

    /** The claim of a Pod made by an earlier version with a generic ephemeral volume ({@code <pod>-root}). */
    public static String claimName(String podName) {
        return podName + "-" + ROOT_VOLUME;
    }

    /** Where projected file {@code index} with key {@code key} appears in the sandbox container. */
    public static String fileSource(int index, String key) {
        return FILES_DIR + "/" + index + "/" + key;
    }
}
