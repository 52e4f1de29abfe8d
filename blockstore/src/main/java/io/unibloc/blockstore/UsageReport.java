package io.unibloc.blockstore;

import io.unibloc.blockstore.cache.PageCacheScan;
import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.cow.CowBackend;
import io.unibloc.blockstore.cow.StoreSpace;
import io.unibloc.blockstore.ephemeral.EphemeralRecord;
import io.unibloc.blockstore.ephemeral.EphemeralVolumes;
import io.unibloc.blockstore.fs.Fiemap;
import io.unibloc.blockstore.metrics.StoreMetrics;
import io.unibloc.blockstore.volumes.VolumeManager;
import io.unibloc.blockstore.volumes.VolumeRecord;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes {@link BlockStore.StoreUsage}: logical bytes (file sizes), physical bytes (the union of the
 * physical extents of every chain image and volume, so blocks shared by clones count once — {@code du}
 * would count them per file), and of those the bytes only one file owns. {@code freeBytes} is what
 * {@link StoreSpace#offeredBytes} says: the smaller of free space inside the store and on the host disk that
 * holds its file, times the overprovision ratio. Ephemeral volumes own no file: they are counted, with the sizes
 * their guests see. The page cache is what {@link PageCacheScan} finds resident in chain images (ephemeral links
 * are their inodes), persistent volumes, the backend's own file and the content store's blobs, each inode once.
 */
final class UsageReport {
    private static final Logger LOG = LoggerFactory.getLogger(UsageReport.class);
    private final ChainRepository chains;
    private final VolumeManager volumes;
    private final ContentStore content;
    private final CowBackend backend;
    private final StoreSpace space;
    private final EphemeralVolumes ephemeral;
    private final PageCacheScan pageCache;

    UsageReport(
            ChainRepository chains,
            VolumeManager volumes,
            EphemeralVolumes ephemeral,
            ContentStore content,
            CowBackend backend,
            StoreSpace space,
            PageCacheScan pageCache) {
        this.chains = chains;
        this.volumes = volumes;
        this.ephemeral = ephemeral;
        this.pageCache = pageCache;
        this.content = content;
        this.backend = backend;
        this.space = space;
    }

    BlockStore.StoreUsage compute(StoreMetrics metrics, int images) {
        List<ChainId> chainIds = chains.list();
        List<Path> chainFiles = new ArrayList<>();
        chainIds.forEach(id -> chainFiles.add(chains.image(id)));
        List<VolumeRecord> volumeRecords = volumes.list();
        List<Path> volumeFiles = new ArrayList<>();
        volumeRecords.forEach(v -> volumeFiles.add(volumes.disk(v.id())));
        List<EphemeralRecord> ephemeralRecords = ephemeral.list();
        long ephemeralBytes = ephemeralRecords.stream()
                .mapToLong(EphemeralRecord::overlayBytes)
                .sum();
        List<Path> files = new ArrayList<>(chainFiles);
        files.addAll(volumeFiles);
        long logical = 0;
        long exclusive = 0;
        List<long[]> extents = new ArrayList<>();
        for (Path file : files) {
            try {
                logical += Files.size(file);
                Fiemap.Map map = Fiemap.of(file);
                exclusive += map.exclusiveBytes();
                map.extents().forEach(e -> extents.add(new long[] {e.physical(), e.physical() + e.length()}));
            } catch (IOException | StoreException e) {
                // removed while we looked: it no longer counts
            }
        }
        long physical = union(extents);
        long blobs = content.totalBytes();
        metrics.recordUsage(Math.max(0, physical - exclusive), exclusive, logical, blobs);
        BlockStore.PageCacheUsage cached = pageCache(chainFiles, volumeFiles);
        metrics.recordVolumes(volumeRecords.size(), ephemeralRecords.size());
        metrics.recordPageCache(cached);
        long capacity = space.capacityBytes();
        long free = space.offeredBytes();
        return new BlockStore.StoreUsage(
                backend.name(),
                capacity,
                free,
                logical,
                physical,
                blobs,
                images,
                chainIds.size(),
                volumeRecords.size() + ephemeralRecords.size(),
                ephemeralRecords.size(),
                ephemeralBytes,
                cached);
    }

    /**
     * Chain images first, so that an ephemeral link (the same inode) adds nothing to them. A failed scan is an
     * unknown figure with its cause (logged here), never 0: 0 would read as an empty cache.
     */
    private BlockStore.PageCacheUsage pageCache(List<Path> chainFiles, List<Path> volumeFiles) {
        List<Path> chainsAndLinks = new ArrayList<>(chainFiles);
        chainsAndLinks.addAll(ephemeral.links());
        Map<String, List<Path>> groups = new LinkedHashMap<>();
        groups.put("chains", chainsAndLinks);
        groups.put("volumes", volumeFiles);
        groups.put("backend", backend.backingFile().stream().toList());
        groups.put(
                "blobs",
                content.list().stream().map(b -> content.blobPath(b.digest())).toList());
        try {
            Map<String, Long> bytes = pageCache.scan(groups);
            return BlockStore.PageCacheUsage.counted(
                    bytes.get("chains"), bytes.get("volumes"), bytes.get("backend"), bytes.get("blobs"));
        } catch (IOException e) {
            // capacity and space matter more than this figure: report them, and this one as unknown with its cause
            LOG.warn("cannot count the store's page cache message={}", e.getMessage());
            return BlockStore.PageCacheUsage.unknown(e.getMessage());
        }
    }

    private static long union(List<long[]> ranges) {
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        long total = 0;
        long start = -1;
        long end = -1;
        for (long[] r : ranges) {
            if (r[0] > end) {
                total += end - start;
                start = r[0];
                end = r[1];
            } else {
                end = Math.max(end, r[1]);
            }
        }
        return total + (end - start);
    }
}
