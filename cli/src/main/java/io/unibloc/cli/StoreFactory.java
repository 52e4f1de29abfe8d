package io.unibloc.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.image.ImageCatalog;
import io.unibloc.blockstore.image.ImageFetcher;
import io.unibloc.blockstore.registry.RegistryConfig;
import java.nio.file.Path;

/**
 * The one place the CLI opens the engine. Layout under the store directory: {@code content/} (blobs,
 * shared with the engine), {@code catalog/} (names pulled with the CLI); the rest belongs to the engine.
 */
public final class StoreFactory {
    /** Sub-directory of the store that holds the content-addressed blobs. */
    public static final String CONTENT_DIR = "content";
    public static final String CATALOG_DIR = "catalog";

    public StoreSession open(GlobalOptions options) {
        Path dir = options.storeDir();
        return open(dir, options.registryConfig(), options.credentials());
    }

    public StoreSession open(Path dir, RegistryConfig registryConfig,
                             io.unibloc.blockstore.registry.RegistryCredentials credentials) {
        MeterRegistry meters = new SimpleMeterRegistry();
        ContentStore content = new ContentStore(dir.resolve(CONTENT_DIR));
        ImageCatalog catalog = new ImageCatalog(dir.resolve(CATALOG_DIR));
        ImageFetcher fetcher = new ImageFetcher(content, registryConfig, meters);
        return new StoreSession(dir, content, catalog, fetcher, credentials, meters,
                () -> openEngine(dir, registryConfig, meters));
    }

    static BlockStore openEngine(Path dir, RegistryConfig registryConfig, MeterRegistry meters) {
        throw StoreException.precondition("the block store engine is not part of this build yet (store " + dir + ")");
    }

    /** An engine on another store directory that pulls with {@code fetcher}'s registry settings (bench cold builds). */
    public static BlockStore openEngineAt(Path dir, ImageFetcher fetcher, MeterRegistry meters) {
        throw StoreException.precondition("the block store engine is not part of this build yet (store " + dir + ")");
    }
}
