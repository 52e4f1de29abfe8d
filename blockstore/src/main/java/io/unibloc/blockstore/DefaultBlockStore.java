package io.unibloc.blockstore;

import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.image.ImageFetcher;
import io.unibloc.blockstore.registry.ImageReference;
import io.unibloc.blockstore.registry.RegistryCredentials;
import java.util.List;
import java.util.Optional;

/**
 * The engine behind {@link BlockStore}. Open with {@link #open(StoreConfig)} (owns its content store and
 * fetcher) or {@link #open(StoreConfig, ImageFetcher)} (shares the caller's fetcher, which the caller closes).
 */
public final class DefaultBlockStore implements BlockStore {
    private final StoreConfig config;
    private final ImageFetcher fetcher;
    private final boolean ownsFetcher;

    private DefaultBlockStore(StoreConfig config, ImageFetcher fetcher, boolean ownsFetcher) {
        this.config = config;
        this.fetcher = fetcher;
        this.ownsFetcher = ownsFetcher;
    }

    public static DefaultBlockStore open(StoreConfig config) {
        ImageFetcher fetcher = new ImageFetcher(new ContentStore(config.contentDir()), config.registry(), config.meters());
        return new DefaultBlockStore(config, fetcher, true);
    }

    public static DefaultBlockStore open(StoreConfig config, ImageFetcher fetcher) {
        return new DefaultBlockStore(config, fetcher, false);
    }

    private static StoreException notYet() {
        return StoreException.internal("not implemented yet", null);
    }

    @Override
    public ImageReference pin(ImageReference reference, RegistryCredentials credentials) {
        return fetcher.pin(reference, credentials);
    }

    @Override
    public PreparedImage prepare(ImageReference reference, FsType fsType, RegistryCredentials credentials, Progress progress) {
        throw notYet();
    }

    @Override
    public Volume createVolume(VolumeSpec spec, RegistryCredentials credentials, Progress progress) {
        throw notYet();
    }

    @Override
    public Optional<Volume> findVolume(String volumeId) {
        throw notYet();
    }

    @Override
    public List<Volume> listVolumes() {
        throw notYet();
    }

    @Override
    public Attachment attach(String volumeId, AttachOptions options) {
        throw notYet();
    }

    @Override
    public void detach(String volumeId) {
        throw notYet();
    }

    @Override
    public void deleteVolume(String volumeId) {
        throw notYet();
    }

    @Override
    public VolumeStats volumeStats(String volumeId) {
        throw notYet();
    }

    @Override
    public StoreUsage usage() {
        throw notYet();
    }

    @Override
    public GcReport gc(GcPolicy policy) {
        throw notYet();
    }

    @Override
    public void close() {
        if (ownsFetcher) {
            fetcher.close();
        }
    }
}
