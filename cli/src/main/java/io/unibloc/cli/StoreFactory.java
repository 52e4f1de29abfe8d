package io.unibloc.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.image.ImageCatalog;
import io.unibloc.blockstore.image.ImageFetcher;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.client.RegistryConfig;
import java.nio.file.Path;

/**
 * The one place the CLI opens the engine ({@link DefaultBlockStore}). Layout under the store directory:
 * {@code content/} (blobs, {@link StoreConfig#contentDir()}, shared by the CLI's pulls and the engine
 * through one {@link ImageFetcher}), {@code catalog/} (names pulled with the CLI); the rest is the engine's.
 */
public final class StoreFactory {
    public static final String CATALOG_DIR = "catalog";

    public StoreSession open(GlobalOptions options) {
        return open(options.storeConfig(), options.credentials());
    }

    /** A session on {@code config.root()}; the engine is opened on first use. */
    public StoreSession open(StoreConfig config, RegistryCredentials credentials) {
        MeterRegistry meters = config.meters();
        ContentStore content = new ContentStore(config.contentDir());
        ImageCatalog catalog = new ImageCatalog(config.root().resolve(CATALOG_DIR));
        ImageFetcher fetcher = new ImageFetcher(content, config.registry(), meters);
        return new StoreSession(
                config, content, catalog, fetcher, credentials, meters, () -> DefaultBlockStore.open(config, fetcher));
    }

    public StoreSession open(Path dir, RegistryConfig registryConfig, RegistryCredentials credentials) {
        return open(
                StoreConfig.defaults(dir).withRegistry(registryConfig).withMeters(new SimpleMeterRegistry()),
                credentials);
    }

    /**
     * An engine on another store directory, configured like {@code like} but with its own meters (bench
     * cold builds). It owns its content store and fetcher; the caller closes it.
     */
    public static BlockStore openEngineAt(Path dir, StoreConfig like) {
        return DefaultBlockStore.open(new StoreConfig(
                dir,
                like.backend(),
                like.xfsLoopBytes(),
                like.layerLimits(),
                like.gcBudgetBytes(),
                like.fatBits(),
                like.platform(),
                like.registry(),
                new SimpleMeterRegistry()));
    }
}
