package io.unibloc.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.image.ImageCatalog;
import io.unibloc.blockstore.image.ImageFetcher;
import io.unibloc.registry.auth.RegistryCredentials;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What one command invocation works with: the engine (opened on first use, since {@code image ls}
 * needs none of it), the content store and fetcher for pulls, and the catalog of pulled names.
 */
public final class StoreSession implements AutoCloseable {
    private final StoreConfig config;
    private final ContentStore content;
    private final ImageCatalog catalog;
    private final ImageFetcher fetcher;
    private final RegistryCredentials credentials;
    private final MeterRegistry meters;
    private final Supplier<BlockStore> engineFactory;
    private BlockStore engine;

    StoreSession(
            StoreConfig config,
            ContentStore content,
            ImageCatalog catalog,
            ImageFetcher fetcher,
            RegistryCredentials credentials,
            MeterRegistry meters,
            Supplier<BlockStore> engineFactory) {
        this.config = config;
        this.content = content;
        this.catalog = catalog;
        this.fetcher = fetcher;
        this.credentials = credentials;
        this.meters = meters;
        this.engineFactory = engineFactory;
    }

    public Path dir() {
        return config.root();
    }

    public StoreConfig config() {
        return config;
    }

    public ContentStore content() {
        return content;
    }

    public ImageCatalog catalog() {
        return catalog;
    }

    public ImageFetcher fetcher() {
        return fetcher;
    }

    public RegistryCredentials credentials() {
        return credentials;
    }

    public MeterRegistry meters() {
        return meters;
    }

    /** The block store engine, opened on first call. */
    public synchronized BlockStore engine() {
        if (engine == null) {
            engine = engineFactory.get();
        }
        return engine;
    }

    @Override
    public synchronized void close() {
        if (engine != null) {
            engine.close();
        }
        fetcher.close();
    }
}
