package io.unibloc.blockstore.image;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.content.BlobWriter;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.client.ManifestResponse;
import io.unibloc.registry.client.RegistryClient;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Descriptor;
import io.unibloc.registry.manifest.ImageConfig;
import io.unibloc.registry.manifest.ImageIndex;
import io.unibloc.registry.manifest.ImageManifest;
import io.unibloc.registry.manifest.ManifestParser;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.manifest.PlatformSelector;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.PullCancelledException;
import io.unibloc.types.StoreException;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure an image's manifest, config and layer blobs are in the {@link ContentStore}, verified,
 * from a registry or an {@code oci:} layout directory. Blobs already stored are not fetched again;
 * concurrent fetches of the same blob (threads or processes) download it once. At most
 * {@link RegistryConfig#parallelDownloads()} blobs download at once per fetcher. Thread-safe; close it
 * to stop its download threads.
 *
 * <p>Metrics: {@code unibloc.pull.bytes} (counter, bytes fetched), {@code unibloc.pull.blob} (timer per
 * fetched blob), {@code unibloc.pull.cache.hits} / {@code unibloc.pull.cache.misses} (blobs found in the
 * store or fetched), {@code unibloc.pull.retries}; all tagged with {@code source}.
 */
public final class ImageFetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFetcher.class);
    /** Index → index → manifest is the deepest nesting seen in practice (layout of a multi-arch image). */
    private static final int MAX_NESTING = 3;

    private final ContentStore store;
    private final RegistryClient client;
    private final boolean ownsClient;
    private final MeterRegistry meters;
    private final ManifestParser parser = new ManifestParser();
    private final ExecutorService downloads;

    public ImageFetcher(ContentStore store, RegistryConfig config, MeterRegistry meters) {
        this(store, new RegistryClient(config, meters), true, meters);
    }

    /** Shares {@code client} (its connections and cached tokens); the caller closes it. */
    public ImageFetcher(ContentStore store, RegistryClient client, MeterRegistry meters) {
        this(store, client, false, meters);
    }

    private ImageFetcher(ContentStore store, RegistryClient client, boolean ownsClient, MeterRegistry meters) {
        this.store = store;
        this.client = client;
        this.ownsClient = ownsClient;
        this.meters = meters;
        AtomicInteger n = new AtomicInteger();
        this.downloads = Executors.newFixedThreadPool(client.config().parallelDownloads(), r -> {
            Thread t = new Thread(r, "unibloc-pull-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public ContentStore store() {
        return store;
    }

    /**
     * Fetches what is missing and describes the image for {@code platform}. A pinned reference whose
     * blobs are all stored needs no network. {@code progress} is called from download threads.
     * Errors: NOT_FOUND (no such image, tag or platform — the message lists the platforms there are),
     * UNAUTHENTICATED, UNAVAILABLE (unreachable, or still failing after the retries), INVALID_ARGUMENT
     * (a blob that does not match its digest, a malformed manifest). Nothing unverified is ever stored.
     * Idempotent.
     */
    public FetchedImage fetch(
            ImageReference reference,
            Platform platform,
            RegistryCredentials credentials,
            BlockStore.Progress progress) {
        try {
            return fetchFrom(sourceFor(reference, credentials), reference, platform, progress);
        } catch (RegistryException e) {
            throw e.toStoreException();
        }
    }

    /**
     * Resolves a tag to the digest served now (HEAD on the manifest; for layouts the index entry). A
     * pinned reference is returned as is without a request. Errors as {@link #fetch}.
     */
    public ImageReference pin(ImageReference reference, RegistryCredentials credentials) {
        if (reference.digest() != null) {
            return reference;
        }
        try {
            return reference.withDigest(sourceFor(reference, credentials).resolve());
        } catch (RegistryException e) {
            throw e.toStoreException();
        }
    }

    /** The image as far as the content store alone can describe it (pinned references only); no I/O beyond the store. */
    public Optional<FetchedImage> cached(ImageReference pinned, Platform platform) {
        if (pinned.digest() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(fetchFrom(new OfflineSource(pinned), pinned, platform, BlockStore.Progress.NONE));
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e.toStoreException();
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private ImageSource sourceFor(ImageReference ref, RegistryCredentials credentials) {
        return ref.isLayout() ? new LayoutSource(ref, parser) : new RegistrySource(client, ref, credentials);
    }

    private FetchedImage fetchFrom(
            ImageSource source, ImageReference ref, Platform platform, BlockStore.Progress progress) {
        Digest top;
        byte[] bytes;
        String type = null;
        if (ref.digest() != null && store.contains(ref.digest())) {
            top = ref.digest();
            bytes = store.read(top);
            hit(source);
        } else {
            ManifestResponse r = source.top();
            if (ref.digest() != null && !r.digest().equals(ref.digest())) {
                throw StoreException.invalid(
                        "manifest of " + ref + " from " + source.describe() + " has digest " + r.digest());
            }
            top = r.digest();
            bytes = r.bytes();
            type = r.mediaType();
            storeDocument(top, bytes);
        }
        ImageReference pinned = ref.withDigest(top);
        Digest manifestDigest = top;
        for (int depth = 0; ; depth++) {
            ManifestParser.Document doc = parser.parse(bytes, type, "manifest " + manifestDigest + " of " + ref);
            if (doc instanceof ManifestParser.ManifestDoc m) {
                return fetchImage(source, pinned, manifestDigest, m.manifest(), platform, progress);
            }
            if (depth + 1 >= MAX_NESTING) {
                throw StoreException.invalid("image " + ref + ": indexes nested deeper than " + MAX_NESTING);
            }
            ImageIndex index = ((ManifestParser.IndexDoc) doc).index();
            Descriptor chosen = PlatformSelector.select(index, platform, "image " + ref);
            manifestDigest = chosen.parsedDigest();
            type = chosen.mediaType();
            bytes = loadDocument(source, manifestDigest);
        }
    }

    private byte[] loadDocument(ImageSource source, Digest digest) {
        if (store.contains(digest)) {
            hit(source);
            return store.read(digest);
        }
        ManifestResponse r = source.manifest(digest);
        storeDocument(digest, r.bytes());
        return r.bytes();
    }

    private void storeDocument(Digest digest, byte[] bytes) {
        store.ingest(digest, bytes.length, new ByteArrayInputStream(bytes));
    }

    private FetchedImage fetchImage(
            ImageSource source,
            ImageReference pinned,
            Digest manifestDigest,
            ImageManifest m,
            Platform platform,
            BlockStore.Progress progress) {
        List<Descriptor> blobs = new ArrayList<>();
        blobs.add(m.config());
        blobs.addAll(m.layers());
        // After a failure the queued blobs are skipped and the running ones finish (a download does not react
        // to interrupts), so when fetch returns no writer of ours is still at work in the store.
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>();
        for (Descriptor d : blobs) {
            futures.add(downloads.submit(() -> {
                if (failed.get()) {
                    return;
                }
                try {
                    ensureBlob(source, d, progress);
                } catch (RuntimeException | Error e) {
                    failed.set(true);
                    throw e;
                }
            }));
        }
        awaitAll(futures, failed);
        Digest configDigest = m.config().parsedDigest();
        ImageConfig config = parser.parseConfig(store.read(configDigest), "config " + configDigest + " of " + pinned);
        if (config.os() != null
                && config.architecture() != null
                && !platform.accepts(new Platform(config.os(), config.architecture(), config.variant()))) {
            LOG.warn(
                    "image platform differs from the requested one image={} imagePlatform={}/{} requested={}",
                    pinned,
                    config.os(),
                    config.architecture(),
                    platform);
        }
        if (config.diffIds().size() != m.layers().size()) {
            throw StoreException.invalid(
                    "image " + pinned + ": manifest lists " + m.layers().size() + " layers but the config has "
                            + config.diffIds().size() + " diff ids");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor d = m.layers().get(i);
            layers.add(new Layer(
                    d.parsedDigest(), d.mediaType(), d.size(), config.diffIds().get(i)));
        }
        return new FetchedImage(pinned, manifestDigest, configDigest, platform, config, layers);
    }

    private void ensureBlob(ImageSource source, Descriptor d, BlockStore.Progress progress) {
        Digest digest = d.parsedDigest();
        if (store.find(digest).isPresent()) {
            hit(source);
            return;
        }
        try (BlobWriter w = store.openWriter(digest, d.size(), source.describe())) {
            if (w.alreadyPresent()) { // another thread or process fetched it while we waited
                hit(source);
                return;
            }
            meters.counter("unibloc.pull.cache.misses", "source", source.metricTag())
                    .increment();
            Counter bytes = meters.counter("unibloc.pull.bytes", "source", source.metricTag());
            progress.pullStarted(digest, d.size());
            Timer.Sample sample = Timer.start(meters);
            source.fetchBlob(digest, d.size(), w, n -> {
                bytes.increment(n);
                progress.pulled(digest, w.written());
            });
            sample.stop(meters.timer("unibloc.pull.blob", "source", source.metricTag()));
            progress.pullFinished(digest);
            LOG.debug("blob fetched blob={} bytes={} source={}", digest.shortHex(), d.size(), source.describe());
        }
    }

    private void hit(ImageSource source) {
        meters.counter("unibloc.pull.cache.hits", "source", source.metricTag()).increment();
    }

    private static void awaitAll(List<Future<?>> futures, AtomicBoolean failed) {
        StoreException first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failed.set(true);
                Throwable c = e.getCause();
                if (c instanceof PullCancelledException cancelled) {
                    first = cancelled; // the caller's own stop wins over another blob's failure, and is not wrapped
                } else if (first == null) {
                    first = c instanceof StoreException se
                            ? se
                            : c instanceof RegistryException re
                                    ? re.toStoreException()
                                    : StoreException.internal("blob fetch failed: " + c, c);
                }
            } catch (InterruptedException e) {
                failed.set(true);
                Thread.currentThread().interrupt();
                throw StoreException.unavailable("interrupted while fetching blobs", e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        downloads.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }
}
