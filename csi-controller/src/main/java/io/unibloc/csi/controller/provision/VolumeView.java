package io.unibloc.csi.controller.provision;

import csi.v1.Csi;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.csi.common.CsiNames;

/** A BlockVolume record as the CSI {@code Volume} message: id, size, context and the node it is pinned to. */
public final class VolumeView {
    private VolumeView() {}

    public static Csi.Volume toCsi(BlockVolume volume) {
        var spec = volume.getSpec();
        var status = volume.getStatus();
        long size = status != null && status.getSizeBytes() != null ? status.getSizeBytes() : spec.getSizeBytes();
        return Csi.Volume.newBuilder()
                .setVolumeId(volume.getMetadata().getName())
                .setCapacityBytes(size)
                .putVolumeContext(CsiNames.CONTEXT_IMAGE, spec.getImage())
                .putVolumeContext(CsiNames.CONTEXT_FS_TYPE, spec.getFsType())
                .putVolumeContext(CsiNames.CONTEXT_READ_ONLY, Boolean.toString(spec.isReadOnly()))
                .putVolumeContext(CsiNames.CONTEXT_WRITE_MODE, spec.getWriteMode())
                .addAccessibleTopology(Csi.Topology.newBuilder().putSegments(CsiNames.TOPOLOGY_KEY, spec.getNode()))
                .build();
    }
}
