package io.unibloc.csi.node.reconcile;

import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import io.unibloc.types.WriteMode;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one record's volume in the block store: reads its pull credentials, pulls and builds the image's chain,
 * clones it (or, for {@code writeMode: ephemeral}, links the shared chain image). Runs on the preparation pool, never
 * on a reconcile thread. No volume lock: it may take minutes and must not block NodeStageVolume of the same id
 * (which answers UNAVAILABLE meanwhile); {@link BlockStore#createVolume} is idempotent, crash-safe and safe to call
 * concurrently for one id, and a deletion of the record waits for its running preparation to end.
 */
final class VolumePreparer {
    private static final Logger LOG = LoggerFactory.getLogger(VolumePreparer.class);
    private final BlockStore store;
    private final VolumeCredentials credentials;

    VolumePreparer(BlockStore store, VolumeCredentials credentials) {
        this.store = store;
        this.credentials = credentials;
    }

    /**
     * Errors: {@link StoreException} as the store and the credential reader raise them (a malformed image reference
     * is INVALID_ARGUMENT); the API server's exceptions while reading Secrets; UNAVAILABLE when {@code cancelled}
     * turned true during the pull (checked on each chunk: the engine drops an unfinished blob, skips the queued ones
     * and waits for the running downloads, which see the same answer). The build is never interrupted.
     */
    PreparedVolume prepare(String name, BlockVolumeSpec spec, BooleanSupplier cancelled) {
        PreparationTimer timer = new PreparationTimer(name, cancelled);
        RegistryCredentials pull = credentials.read(spec);
        BlockStore.VolumeSpec volumeSpec = new BlockStore.VolumeSpec(
                name,
                image(spec.getImage()),
                FsType.parse(spec.getFsType()),
                spec.getSizeBytes(),
                spec.getLimitBytes(),
                spec.isReadOnly(),
                WriteMode.parse(spec.getWriteMode()));
        LOG.info(
                "preparing volume={} image={} fsType={} sizeBytes={}",
                name,
                spec.getImage(),
                spec.getFsType(),
                spec.getSizeBytes());
        BlockStore.Volume created = store.createVolume(volumeSpec, pull, timer);
        return new PreparedVolume(created, timer.timings());
    }

    /** The spec's image; a malformed one is the engine's INVALID_ARGUMENT, a permanent failure like any other. */
    private static ImageReference image(String text) {
        try {
            return ImageReference.parse(text);
        } catch (RegistryException e) {
            throw e.toStoreException();
        }
    }
}
