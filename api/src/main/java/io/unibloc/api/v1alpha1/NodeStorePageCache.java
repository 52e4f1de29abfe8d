package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The host page cache the node's store files hold, as the node plugin last counted it: each inode once, so an
 * ephemeral volume (a link of its chain image) adds nothing beyond its chain image. Left unset in the status when
 * the node plugin could not count it (the node plugin logs why): absent means unknown, never an empty cache.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStorePageCache {
    @JsonPropertyDescription(
            "Bytes of the store's files resident in the page cache: the sum of chainBytes, volumeBytes, backendFileBytes and blobBytes.")
    private Long totalBytes;

    @JsonPropertyDescription(
            "Resident bytes of chain images; the reads of every ephemeral volume of an image land here, once.")
    private Long chainBytes;

    @JsonPropertyDescription("Resident bytes of persistent volumes' own clones (each clone caches its reads apart).")
    private Long volumeBytes;

    @JsonPropertyDescription(
            "Resident bytes of the file the store lives in (xfs.img of the xfs-loop backend; 0 for other backends).")
    private Long backendFileBytes;

    @JsonPropertyDescription("Resident bytes of the content store's blobs (layers and configs a pull wrote or read).")
    private Long blobBytes;

    public Long getTotalBytes() {
        return totalBytes;
    }

    public void setTotalBytes(Long totalBytes) {
        this.totalBytes = totalBytes;
    }

    public Long getChainBytes() {
        return chainBytes;
    }

    public void setChainBytes(Long chainBytes) {
        this.chainBytes = chainBytes;
    }

    public Long getVolumeBytes() {
        return volumeBytes;
    }

    public void setVolumeBytes(Long volumeBytes) {
        this.volumeBytes = volumeBytes;
    }

    public Long getBackendFileBytes() {
        return backendFileBytes;
    }

    public void setBackendFileBytes(Long backendFileBytes) {
        this.backendFileBytes = backendFileBytes;
    }

    public Long getBlobBytes() {
        return blobBytes;
    }

    public void setBlobBytes(Long blobBytes) {
        this.blobBytes = blobBytes;
    }
}
