package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Where the node's store lives; set by the node plugin at start-up. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStoreSpec {
    /** The node (same as the resource name). */
    private String node;
    /** The store directory on the node. */
    private String storeDir;

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getStoreDir() {
        return storeDir;
    }

    public void setStoreDir(String storeDir) {
        this.storeDir = storeDir;
    }
}
