package io.unibloc.blockstore;

import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.cow.CowBackend;
import io.unibloc.blockstore.cow.StoreSpace;
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
import java.util.List;

/**
 * Computes {@link BlockStore.StoreUsage}: logical bytes (file sizes), physical bytes (the union of the
 * physical extents of every chain image and volume, so blocks shared by clones count once — {@code du}
 * would count them per file), and of those the bytes only one file owns. {@code freeBytes} is what
 * {@link StoreSpace#offeredBytes} says: the smaller of free space inside the store and on the host disk that
 * holds its file, times the overprovision ratio.
 */
final class UsageReport {
    private final ChainRepository chains;
    private final VolumeManager volumes;
    private final ContentStore content;
    private final CowBackend backend;
    private final StoreSpace space;

    UsageReport(
            ChainRepository chains, VolumeManager volumes, ContentStore content, CowBackend backend, StoreSpace space) {
        this.chains = chains;
        this.volumes = volumes;
        this.content = content;
        this.backend = backend;
        this.space = space;
    }

    /** {@code ephemeralVolumes}: volumes that own no file here; counted, their chains already are. */
    BlockStore.StoreUsage compute(StoreMetrics metrics, int images, int ephemeralVolumes) {
        List<Path> files = new ArrayList<>();
        List<ChainId> chainIds = chains.list();
        chainIds.forEach(id -> files.add(chains.image(id)));
        List<VolumeRecord> volumeRecords = volumes.list();
        volumeRecords.forEach(v -> files.add(volumes.disk(v.id())));
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
                volumeRecords.size() + ephemeralVolumes);
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
