package io.unibloc.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One CSI volume of the {@code block.unibloc.io} driver (cluster-scoped; name = CSI volume id). The CSI
 * controller writes the spec; the node plugin of {@code spec.node} materialises the volume in its block
 * store, reports progress in the status and frees the storage when the record is deleted (finalizer
 * {@link #STORAGE_FINALIZER}).
 */
@Group(BlockVolume.GROUP)
@Version(BlockVolume.VERSION)
@Singular("blockvolume")
@Plural("blockvolumes")
@ShortNames("bv")
// Cluster-scoped: deliberately does not implement Namespaced.
public class BlockVolume extends CustomResource<BlockVolumeSpec, BlockVolumeStatus> {
    public static final String GROUP = "unibloc.io";
    public static final String VERSION = "v1alpha1";
    /** Label holding {@code spec.node}, so that each node plugin watches only its own records. */
    public static final String NODE_LABEL = "unibloc.io/node";
    /** Held while the node plugin still owns storage for the record. */
    public static final String STORAGE_FINALIZER = "block.unibloc.io/storage";

    @Override
    protected BlockVolumeSpec initSpec() {
        return new BlockVolumeSpec();
    }
}
