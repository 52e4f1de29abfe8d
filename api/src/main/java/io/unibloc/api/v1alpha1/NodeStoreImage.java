package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Pre-warming readiness of one {@code UnikernelImage} on this node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStoreImage {
    /** The UnikernelImage resource. */
    private String namespace;

    private String name;
    /** Its image reference as written in the resource, and the digest it was pinned to. */
    private String image;

    private String pinnedImage;
    private String fsType;
    private NodeStoreImagePhase phase;
    private String message;
    /** RFC 3339 time the chains became ready. */
    private String readyAt;

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getPinnedImage() {
        return pinnedImage;
    }

    public void setPinnedImage(String pinnedImage) {
        this.pinnedImage = pinnedImage;
    }

    public String getFsType() {
        return fsType;
    }

    public void setFsType(String fsType) {
        this.fsType = fsType;
    }

    public NodeStoreImagePhase getPhase() {
        return phase;
    }

    public void setPhase(NodeStoreImagePhase phase) {
        this.phase = phase;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getReadyAt() {
        return readyAt;
    }

    public void setReadyAt(String readyAt) {
        this.readyAt = readyAt;
    }
}
