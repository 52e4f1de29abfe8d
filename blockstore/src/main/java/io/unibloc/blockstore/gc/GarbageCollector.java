package io.unibloc.blockstore.gc;

import io.unibloc.blockstore.BlockStore.GcPolicy;
import io.unibloc.blockstore.BlockStore.GcReport;
import io.unibloc.blockstore.chain.ChainBuilder;
import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.chain.Intents;
import io.unibloc.blockstore.content.BlobInfo;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.fs.Fiemap;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.blockstore.volumes.VolumeManager;
import io.unibloc.blockstore.volumes.VolumeRecord;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference counting from volumes plus LRU eviction under a budget. A chain is a root while any volume was
 * cloned from it (volumes are independent files once cloned, but a root chain is what the next volume of
 * that image clones, so evicting it would only cost a rebuild). A chain is evicted only under its lock, so
 * never while it is being built or cloned. Idempotent; safe while other work runs.
 */
public final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final ChainRepository chains;
    private final VolumeManager volumes;
    private final ContentStore content;
    private final KeyedLocks locks;
    private final Intents intents;
    private final Supplier<Set<String>> pinnedChains;
    private final Supplier<Optional<Instant>> keepUsedSince;

    public GarbageCollector(
            ChainRepository chains, VolumeManager volumes, ContentStore content, KeyedLocks locks, Intents intents) {
        this(chains, volumes, content, locks, intents, Set::of);
    }

    /**
     * {@code pinnedChains}: chain ids that other users hold besides persistent volumes (ephemeral volumes and
     * shared chain devices); asked again under each chain's lock before it is evicted.
     */
    public GarbageCollector(
            ChainRepository chains,
            VolumeManager volumes,
            ContentStore content,
            KeyedLocks locks,
            Intents intents,
            Supplier<Set<String>> pinnedChains) {
        this(chains, volumes, content, locks, intents, pinnedChains, Optional::empty);
    }

    /**
     * {@code keepUsedSince}: chains used at or after this instant are kept too (creates in flight between
     * preparation and clone, see {@link io.unibloc.blockstore.chain.ChainLeases}); asked again under each chain's
     * lock.
     */
    public GarbageCollector(
            ChainRepository chains,
            VolumeManager volumes,
            ContentStore content,
            KeyedLocks locks,
            Intents intents,
            Supplier<Set<String>> pinnedChains,
            Supplier<Optional<Instant>> keepUsedSince) {
        this.keepUsedSince = keepUsedSince;
        this.chains = chains;
        this.volumes = volumes;
        this.content = content;
        this.locks = locks;
        this.intents = intents;
        this.pinnedChains = pinnedChains;
    }

    /** One thing that may be evicted. */
    private record Candidate(String name, long bytes, Instant lastUsed, ChainId chain, BlobInfo blob) {}

    public GcReport collect(GcPolicy policy) {
        if (policy.maxBytes() < 0) {
            throw StoreException.invalid("GC budget must not be negative, got " + policy.maxBytes());
        }
        int swept = policy.sweepOrphans() ? sweep() : 0;
        Set<String> roots = new HashSet<>();
        for (VolumeRecord volume : volumes.list()) {
            roots.add(volume.chainId());
        }
        roots.addAll(pinnedChains.get());
        List<Candidate> candidates = new ArrayList<>();
        for (ChainId id : chains.list()) {
            if (!roots.contains(id.value()) && !leased(id)) { // in use: not part of the unused cache
                candidates.add(new Candidate(id.value(), allocated(chains.image(id)), chains.lastUsed(id), id, null));
            }
        }
        for (BlobInfo blob : content.list()) {
            if (usedSinceLease(blob.lastUsed())) {
                continue; // fetched or read by a create in flight: in use, as its chains are
            }
            candidates.add(new Candidate(blob.digest().toString(), blob.size(), blob.lastUsed(), null, blob));
        }
        long total = candidates.stream().mapToLong(Candidate::bytes).sum();
        candidates.sort(Comparator.comparing(Candidate::lastUsed));
        int chainsRemoved = 0;
        int blobsRemoved = 0;
        long freed = 0;
        for (Candidate candidate : candidates) {
            if (total <= policy.maxBytes()) {
                break;
            }
            boolean removed = candidate.chain() != null
                    ? evictChain(candidate.chain(), roots)
                    : !usedSinceLease(blobLastUsed(candidate.blob()))
                            && content.delete(candidate.blob().digest());
            if (removed) {
                total -= candidate.bytes();
                freed += candidate.bytes();
                if (candidate.chain() != null) {
                    chainsRemoved++;
                } else {
                    blobsRemoved++;
                }
                LOG.info(
                        "evicted name={} bytes={} lastUsed={}",
                        candidate.name(),
                        candidate.bytes(),
                        candidate.lastUsed());
            }
        }
        return new GcReport(chainsRemoved, blobsRemoved, freed, swept);
    }

    private boolean evictChain(ChainId id, Set<String> roots) {
        Optional<KeyedLocks.Held> held = locks.tryLock(ChainBuilder.lockKey(id));
        if (held.isEmpty()) {
            return false; // being built or cloned right now: in use
        }
        try (KeyedLocks.Held lock = held.get()) {
            // a volume may have been created from it since the roots were read
            for (VolumeRecord volume : volumes.list()) {
                if (volume.chainId().equals(id.value())) {
                    roots.add(id.value());
                    return false;
                }
            }
            if (pinnedChains.get().contains(id.value()) || leased(id)) {
                roots.add(id.value());
                return false;
            }
            chains.delete(id);
            lock.removeLockFile(); // while held, so a builder waiting on the old file retries on a fresh one
            return true;
        }
    }

    private boolean usedSinceLease(Instant lastUsed) {
        return keepUsedSince.get().filter(since -> !lastUsed.isBefore(since)).isPresent();
    }

    /** Read again right before deleting: a create may have used the blob since the listing. */
    private Instant blobLastUsed(BlobInfo blob) {
        try {
            return Files.getLastModifiedTime(content.blobPath(blob.digest())).toInstant();
        } catch (IOException e) {
            return blob.lastUsed();
        }
    }

    private boolean leased(ChainId id) {
        return keepUsedSince
                .get()
                .filter(since -> !chains.lastUsed(id).isBefore(since))
                .isPresent();
    }

    /**
     * Heals intents of dead owners, removes crashed writers' blob temporaries, chain metadata without an
     * image, build temporaries and volume directories no live intent covers. Returns how many were removed.
     */
    public int sweep() {
        // List the temporaries before reading the intents: work that starts in between records its
        // intent before creating anything, so nothing listed here can belong to it.
        List<Path> temps = new ArrayList<>(list(chains.tmpDir()));
        int swept = intents.heal(locks) + volumes.sweepLeftovers();
        Set<String> live = new HashSet<>();
        intents.list().forEach(i -> live.addAll(i.paths()));
        for (Path temp : temps) {
            if (!live.contains(temp.toString()) && Files.exists(temp) && !Mounts.isMounted(temp)) {
                LOG.info("sweeping orphan path={}", temp);
                Intents.deleteTree(temp);
                swept++;
            }
        }
        for (Path meta : chains.orphanMetadata()) {
            try {
                Files.deleteIfExists(meta);
                swept++;
            } catch (IOException e) {
                throw StoreException.internal("cannot remove " + meta + ": " + e.getMessage(), e);
            }
        }
        swept += content.sweepTemps();
        return swept;
    }

    private static long allocated(Path file) {
        try {
            return Fiemap.of(file).allocatedBytes();
        } catch (StoreException e) {
            return 0; // evicted meanwhile
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            throw StoreException.internal("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
