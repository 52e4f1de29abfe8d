package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the root volume takes the guest's writes: {@code ephemeral} (a read-only device of the node's shared image,
 * writes to an overlay in the Pod's scratch space that is discarded when the guest stops; guests of one image then
 * share the node's page cache — the default) or {@code persistent} (a private clone that keeps them while the Pod
 * exists, the exception: it costs a page cache and a clone per guest). No schema default: the operator resolves an
 * unset mode per guest (its VMM), and a schema default would also change the stored spec of existing objects.
 */
public enum WriteMode {
    @JsonProperty("persistent")
    PERSISTENT("persistent"),
    @JsonProperty("ephemeral")
    EPHEMERAL("ephemeral");

    private final String id;

    WriteMode(String id) {
        this.id = id;
    }

    /** The spelling of the StorageClass parameter and claim annotation {@code unibloc.io/write-mode}. */
    public String id() {
        return id;
    }
}
