package io.unibloc.blockstore.chain;

import io.unibloc.blockstore.layers.LayerSource;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.FsType;
import java.util.List;

/**
 * The chain images to build for one image and filesystem.
 *
 * @param layers   bottom first, each with its diff id and its stored blob
 * @param diskPath for {@link FsType#RAW}: the {@code io.unibloc.disk} label, the disk image inside the image
 * @param fatBits  for {@link FsType#VFAT}: 0 (automatic), 12, 16 or 32
 */
public record ChainRequest(List<Layer> layers, FsType fsType, String diskPath, int fatBits) {
    public ChainRequest {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw io.unibloc.types.StoreException.invalid("an image without layers has no filesystem to build");
        }
    }

    /** One layer: the digest of its uncompressed tar and where its blob lies. */
    public record Layer(Digest diffId, LayerSource source) {}

    public List<Digest> diffIds() {
        return layers.stream().map(Layer::diffId).toList();
    }
}
