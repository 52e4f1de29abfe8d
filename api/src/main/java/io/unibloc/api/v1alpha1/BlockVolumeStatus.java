package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the node plugin reports about a {@link BlockVolume}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BlockVolumeStatus {
    /** Condition type that is True once the volume can be staged. */
    public static final String CONDITION_READY = "Ready";

    @PrinterColumn(name = "Phase", priority = 0)
    private BlockVolumePhase phase;
    /** Human-readable detail of the phase (what is being done, or why it failed). */
    private String message;
    /** Machine-readable cause of a failure, one of {@link BlockVolumeReasons}, e.g. ImageNotFound. */
    private String reason;

    private Long observedGeneration;
    /** Logical size of the created volume. */
    private Long sizeBytes;
    /** The chain image the volume is a clone of. */
    private String chainId;
    /** The block device while staged on the node. */
    private String device;
    /** RFC 3339 times of the phase changes. */
    private String preparingSince;

    private String readyAt;
    private BlockVolumeTimings timings;
    private List<Condition> conditions = new ArrayList<>();

    public BlockVolumePhase getPhase() {
        return phase;
    }

    public void setPhase(BlockVolumePhase phase) {
        this.phase = phase;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Long getSizeBytes() {
        return sizeBytes;
    }

    public void setSizeBytes(Long sizeBytes) {
        this.sizeBytes = sizeBytes;
    }

    public String getChainId() {
        return chainId;
    }

    public void setChainId(String chainId) {
        this.chainId = chainId;
    }

    public String getDevice() {
        return device;
    }

    public void setDevice(String device) {
        this.device = device;
    }

    public String getPreparingSince() {
        return preparingSince;
    }

    public void setPreparingSince(String preparingSince) {
        this.preparingSince = preparingSince;
    }

    public String getReadyAt() {
        return readyAt;
    }

    public void setReadyAt(String readyAt) {
        this.readyAt = readyAt;
    }

    public BlockVolumeTimings getTimings() {
        return timings;
    }

    public void setTimings(BlockVolumeTimings timings) {
        this.timings = timings;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }
}
