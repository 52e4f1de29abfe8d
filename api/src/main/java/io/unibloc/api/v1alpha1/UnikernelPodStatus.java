package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.unibloc.api.v1alpha1.pod.NetworkStatus;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.api.v1alpha1.pod.Timings;
import io.unibloc.types.WriteMode;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UnikernelPodStatus {
    /** Condition types, in the order a guest passes them. */
    public static final String IMAGE_PINNED = "ImagePinned";

    public static final String VOLUME_READY = "VolumeReady";
    public static final String SCHEDULED = "Scheduled";
    public static final String SANDBOX_STARTED = "SandboxStarted";
    /** The network mode the Pod was made with (and why, after a fallback), or why the sandbox could not set it up. */
    public static final String NETWORK = "Network";
    /** The guest wrote to its console: evidence that it runs (the sandbox's ready file, the Pod's readiness). */
    public static final String BOOTED = "Booted";

    public static final String READY = "Ready";

    @JsonPropertyDescription("Pending, Preparing, Booting, Running, CrashLoopBackOff, Completed or Failed: the"
            + " Pod's state as kubectl get pod names it (Completed for a guest that exited 0 and is not restarted).")
    private Phase phase;

    @JsonPropertyDescription("Ready guests of all guests, as kubectl get pod's READY column: 1/1 once the guest wrote"
            + " to its console and passes its readiness probe, else 0/1.")
    private String ready;

    @JsonPropertyDescription("How often the kubelet restarted the guest's sandbox container in the current Pod.")
    private Integer restarts;

    @JsonPropertyDescription(
            "ImagePinned, VolumeReady, Scheduled, SandboxStarted, Network, Booted and Ready, with reasons and messages.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The image reference as pinned: registry/repository:tag@sha256:...")
    private String pinnedImage;

    @JsonPropertyDescription("The manifest digest the tag was pinned to, sha256:...")
    private String imageDigest;

    @JsonPropertyDescription("The first 12 hex digits of imageDigest.")
    private String shortDigest;

    @JsonPropertyDescription("The node the guest runs on.")
    private String nodeName;

    @JsonPropertyDescription("The Pod that runs the guest's sandbox.")
    private String podName;

    @JsonPropertyDescription("What the guest runs under: kvm, or tcg (QEMU's software emulation, many times slower). "
            + "From the node's unibloc.io/accel label when the guest booted, then from the sandbox's exit report.")
    private String accelerator;

    @JsonPropertyDescription(
            "The guest's network: the mode in use (tap, passt, none) and the Pod's IPs, which the " + "guest owns.")
    private NetworkStatus network;

    @JsonPropertyDescription("The write mode of the guest's root volume: spec.rootfs.writeMode, else the default"
            + " chosen for this guest (ephemeral, or persistent where the guest could not boot an overlay). Kept while"
            + " no Pod runs and through every Pod replacement, so an operator upgrade that changed the default never"
            + " changes an existing guest's mode.")
    private WriteMode writeMode;

    @JsonPropertyDescription("How long pinning, volume provisioning and boot took.")
    private Timings timings;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public String getReady() {
        return ready;
    }

    public void setReady(String ready) {
        this.ready = ready;
    }

    public Integer getRestarts() {
        return restarts;
    }

    public void setRestarts(Integer restarts) {
        this.restarts = restarts;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public String getPinnedImage() {
        return pinnedImage;
    }

    public void setPinnedImage(String pinnedImage) {
        this.pinnedImage = pinnedImage;
    }

    public String getImageDigest() {
        return imageDigest;
    }

    public void setImageDigest(String imageDigest) {
        this.imageDigest = imageDigest;
    }

    public String getShortDigest() {
        return shortDigest;
    }

    public void setShortDigest(String shortDigest) {
        this.shortDigest = shortDigest;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public String getPodName() {
        return podName;
    }

    public void setPodName(String podName) {
        this.podName = podName;
    }

    public String getAccelerator() {
        return accelerator;
    }

    public void setAccelerator(String accelerator) {
        this.accelerator = accelerator;
    }

    public NetworkStatus getNetwork() {
        return network;
    }

    public void setNetwork(NetworkStatus network) {
        this.network = network;
    }

    public WriteMode getWriteMode() {
        return writeMode;
    }

    public void setWriteMode(WriteMode writeMode) {
        this.writeMode = writeMode;
    }

    public Timings getTimings() {
        return timings;
    }

    public void setTimings(Timings timings) {
        this.timings = timings;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
