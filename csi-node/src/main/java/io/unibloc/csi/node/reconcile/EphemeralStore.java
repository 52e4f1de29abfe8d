package io.unibloc.csi.node.reconcile;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.shared.EphemeralRecord;
import io.unibloc.blockstore.shared.EphemeralVolumes;
import io.unibloc.registry.auth.RegistryCredentials;
import java.util.List;
import java.util.Optional;

/**
 * The block store's ephemeral volumes ({@code unibloc.io/write-mode: ephemeral}): read-only devices of a hard link
 * of the chain image, so guests of one image share the node's page cache. A store without them (a test double)
 * has none and refuses to create one.
 */
public interface EphemeralStore {

    EphemeralRecord create(BlockStore.VolumeSpec spec, RegistryCredentials credentials, BlockStore.Progress progress);

    Optional<EphemeralRecord> find(String id);

    List<EphemeralRecord> list();

    /** Attaches (idempotent) and returns the volume's read-only device. */
    String attach(String id);

    Optional<String> device(String id);

    void detach(String id);

    /** FAILED_PRECONDITION while attached; nothing to do for an unknown volume. */
    void delete(String id);

    /** The engine's ephemeral volumes when {@code store} has them, else none. */
    static EphemeralStore of(BlockStore store) {
        if (store instanceof DefaultBlockStore engine) {
            EphemeralVolumes volumes = engine.ephemeralVolumes();
            return new EphemeralStore() {
                @Override
                public EphemeralRecord create(
                        BlockStore.VolumeSpec spec, RegistryCredentials credentials, BlockStore.Progress progress) {
                    return engine.createEphemeralVolume(spec, credentials, progress);
                }

                @Override
                public Optional<EphemeralRecord> find(String id) {
                    return volumes.find(id);
                }

                @Override
                public List<EphemeralRecord> list() {
                    return volumes.list();
                }

                @Override
                public String attach(String id) {
                    return volumes.attach(id).device();
                }

                @Override
                public Optional<String> device(String id) {
                    return volumes.device(id);
                }

                @Override
                public void detach(String id) {
                    volumes.detach(id);
                }

                @Override
                public void delete(String id) {
                    volumes.delete(id);
                }
            };
        }
        return new EphemeralStore() {
            @Override
            public EphemeralRecord create(
                    BlockStore.VolumeSpec spec, RegistryCredentials credentials, BlockStore.Progress progress) {
                throw StoreException.invalid(
                        "volume " + spec.id() + ": this node's block store has no ephemeral volumes");
            }

            @Override
            public Optional<EphemeralRecord> find(String id) {
                return Optional.empty();
            }

            @Override
            public List<EphemeralRecord> list() {
                return List.of();
            }

            @Override
            public String attach(String id) {
                throw StoreException.notFound("ephemeral volume " + id + " does not exist");
            }

            @Override
            public Optional<String> device(String id) {
                return Optional.empty();
            }

            @Override
            public void detach(String id) {}

            @Override
            public void delete(String id) {}
        };
    }
}
