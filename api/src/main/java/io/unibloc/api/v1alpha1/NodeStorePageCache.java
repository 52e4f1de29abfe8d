package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The host page cache the node's store files hold, as the node plugin last counted it: each inode once, so an
 * ephemeral volume (a link of its chain image) adds nothing beyond its chain image.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStorePageCache {
    @JsonPropertyDescription(
            "Bytes of the store's files resident in the page cache: the sum of chainBytes, volumeBytes and backendFileBytes.")
    private Long totalBytes;

    @JsonPropertyDescription(
            "Resident bytes of chain images; the reads of every ephemeral volume of an image land here, once.")
    private Long chainBytes;

    @JsonPropertyDescription("Resident bytes of persistent volumes' own clones (each clone caches its reads apart).")
    private Long volumeBytes;

    @JsonPropertyDescription(
            "Resident bytes of the file the store lives in (xfs.img of the xfs-loop backend; 0 for other backends).")
    private Long backendFileBytes;

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
}
