package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** The pinned digest and how many of the selected nodes report the image prepared. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UnikernelImageStatus {
    /** Condition types. */
    public static final String IMAGE_PINNED = "ImagePinned";

    public static final String READY = "Ready";

    /** At most this many names are listed in {@link #getPendingNodes()}. */
    public static final int MAX_LISTED_NODES = 20;

    @JsonPropertyDescription("The image reference as pinned: registry/repository:tag@sha256:...")
    private String pinnedImage;

    @JsonPropertyDescription("The manifest digest the tag was pinned to, sha256:...")
    private String imageDigest;

    @JsonPropertyDescription("The first 12 hex digits of imageDigest.")
    private String shortDigest;

    @JsonPropertyDescription("How many nodes match spec.nodeSelector and run the unibloc node plugin.")
    private Integer nodesSelected;

    @JsonPropertyDescription("How many of the selected nodes report the image prepared.")
    private Integer nodesReady;

    @JsonPropertyDescription("Up to 20 selected nodes that do not report the image prepared yet.")
    private List<String> pendingNodes;

    @JsonPropertyDescription("ImagePinned and Ready, with reasons and messages.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

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

    public Integer getNodesSelected() {
        return nodesSelected;
    }

    public void setNodesSelected(Integer nodesSelected) {
        this.nodesSelected = nodesSelected;
    }

    public Integer getNodesReady() {
        return nodesReady;
    }

    public void setNodesReady(Integer nodesReady) {
        this.nodesReady = nodesReady;
    }

    public List<String> getPendingNodes() {
        return pendingNodes;
    }

    public void setPendingNodes(List<String> pendingNodes) {
        this.pendingNodes = pendingNodes;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
