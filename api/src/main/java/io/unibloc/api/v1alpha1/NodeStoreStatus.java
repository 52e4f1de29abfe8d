package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** The node's store figures, refreshed periodically by the node plugin. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStoreStatus {
    /** Condition type that is True while the node plugin runs and its store is usable. */
    public static final String CONDITION_READY = "Ready";
    /** Whether guests on the node run under KVM; reasons ProbePassed, NoDevice, ProbeFailed, VerdictRemembered, GuestFellBack, Forced. */
    public static final String CONDITION_KVM_USABLE = "KvmUsable";
    /**
     * Whether clones share blocks with their chain image: True (reason {@code SharedBlocks}) on a reflink or
     * xfs-loop store, False (reason {@code FullCopies}) on the copy backend, where every volume is a full copy.
     */
    public static final String CONDITION_COPY_ON_WRITE = "CopyOnWrite";

    /** Copy-on-write backend: reflink-xfs, reflink-btrfs, dm-thin or copy. */
    @PrinterColumn(name = "Backend", priority = 0)
    private String backend;

    private Long capacityBytes;
    /** What new volumes and chains can still use. */
    @PrinterColumn(name = "Free", priority = 0)
    private Long freeBytes;

    private Long logicalBytes;
    private Long physicalBytes;
    private Long blobBytes;

    @JsonPropertyDescription("Volumes in the store, persistent and ephemeral.")
    private Integer volumes;

    @JsonPropertyDescription("Of volumes, the ephemeral ones: they own no file and read their chain image.")
    private Integer ephemeralVolumes;

    @JsonPropertyDescription(
            "What the ephemeral volumes' guests see, summed (each overlay's size; their writes live outside the store).")
    private Long ephemeralBytes;

    @JsonPropertyDescription(
            "The host page cache the store's files hold, each inode once, as of updatedAt; absent when the node could not count it.")
    private NodeStorePageCache pageCache;

    private Integer chains;
    /** Images whose chains exist on the node (pinned references). */
    private List<String> cachedImages = new ArrayList<>();
    /** Pre-warming state of each UnikernelImage that selects this node. */
    private List<NodeStoreImage> images = new ArrayList<>();
    /** Whether KVM really works on the node (probed by running a guest). */
    private Boolean kvm;
    /** RFC 3339 time of the last refresh; the controller treats stale reports as no capacity. */
    private String updatedAt;

    private List<Condition> conditions = new ArrayList<>();

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public Long getCapacityBytes() {
        return capacityBytes;
    }

    public void setCapacityBytes(Long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    public Long getFreeBytes() {
        return freeBytes;
    }

    public void setFreeBytes(Long freeBytes) {
        this.freeBytes = freeBytes;
    }

    public Long getLogicalBytes() {
        return logicalBytes;
    }

    public void setLogicalBytes(Long logicalBytes) {
        this.logicalBytes = logicalBytes;
    }

    public Long getPhysicalBytes() {
        return physicalBytes;
    }

    public void setPhysicalBytes(Long physicalBytes) {
        this.physicalBytes = physicalBytes;
    }

    public Long getBlobBytes() {
        return blobBytes;
    }

    public void setBlobBytes(Long blobBytes) {
        this.blobBytes = blobBytes;
    }

    public Integer getVolumes() {
        return volumes;
    }

    public void setVolumes(Integer volumes) {
        this.volumes = volumes;
    }

    public Integer getEphemeralVolumes() {
        return ephemeralVolumes;
    }

    public void setEphemeralVolumes(Integer ephemeralVolumes) {
        this.ephemeralVolumes = ephemeralVolumes;
    }

    public Long getEphemeralBytes() {
        return ephemeralBytes;
    }

    public void setEphemeralBytes(Long ephemeralBytes) {
        this.ephemeralBytes = ephemeralBytes;
    }

    public NodeStorePageCache getPageCache() {
        return pageCache;
    }

    public void setPageCache(NodeStorePageCache pageCache) {
        this.pageCache = pageCache;
    }

    public Integer getChains() {
        return chains;
    }

    public void setChains(Integer chains) {
        this.chains = chains;
    }

    public List<String> getCachedImages() {
        return cachedImages;
    }

    public void setCachedImages(List<String> cachedImages) {
        this.cachedImages = cachedImages == null ? new ArrayList<>() : cachedImages;
    }

    public List<NodeStoreImage> getImages() {
        return images;
    }

    public void setImages(List<NodeStoreImage> images) {
        this.images = images == null ? new ArrayList<>() : images;
    }

    public Boolean getKvm() {
        return kvm;
    }

    public void setKvm(Boolean kvm) {
        this.kvm = kvm;
    }

    public String getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(String updatedAt) {
        this.updatedAt = updatedAt;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }
}
