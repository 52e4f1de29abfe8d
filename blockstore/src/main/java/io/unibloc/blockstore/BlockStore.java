package io.unibloc.blockstore;

import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.util.List;
import java.util.Optional;

/**
 * A node's block store: pulls images once, builds one copy-on-write block image per layer chain, and
 * hands out volumes that are O(1) clones of a chain's top image. Every method is safe to call
 * concurrently and again after a crash; every failure is a {@link StoreException}.
 */
public interface BlockStore extends AutoCloseable {

    /**
     * Resolves a tag to the manifest digest the registry serves now (for {@code oci:} layouts, the
     * layout's index). A reference that is already pinned is returned as is, without a request.
     * Errors: INVALID_ARGUMENT (bad reference), NOT_FOUND (no such image or tag), UNAUTHENTICATED,
     * UNAVAILABLE (registry unreachable).
     */
    ImageReference pin(ImageReference reference, RegistryCredentials credentials);

    /**
     * Pulls what is missing and builds every chain image of the image for {@code fsType}; returns at
     * once when they exist. Concurrent calls for the same image and filesystem do the work once.
     * Errors: as {@link #pin}, plus INVALID_ARGUMENT for hostile or malformed layers (nothing half-built
     * remains), RESOURCE_EXHAUSTED when the store is full.
     */
    PreparedImage prepare(ImageReference reference, FsType fsType, RegistryCredentials credentials, Progress progress);

    /**
     * Creates the volume {@code spec.id()}, preparing the image first if needed. {@link WriteMode#PERSISTENT}: a
     * clone of the prepared image's top chain, grown to {@code spec.sizeBytes()}. {@link WriteMode#EPHEMERAL}: a
     * record on the top chain and no clone; it attaches read-only (the guest writes to its VMM's overlay of
     * {@code sizeBytes}) and shares the chain image's page cache with every other ephemeral volume of the image.
     * One id names one volume of one mode. Idempotent: an existing volume with the same spec is returned as is;
     * one with a different spec or mode is ALREADY_EXISTS. A chain that the collector takes between preparation
     * and cloning is prepared again; UNAVAILABLE (retry) if that keeps happening.
     */
    Volume createVolume(VolumeSpec spec, RegistryCredentials credentials, Progress progress);

    /** The volume of either mode, with its device while attached. */
    Optional<Volume> findVolume(String volumeId);

    /** Every volume, persistent and ephemeral. */
    List<Volume> listVolumes();

    /**
     * Attaches the volume as a block device (a loop device; read-only when the volume is read-only or ephemeral)
     * and returns its path. A read-only or ephemeral volume that is attached returns its existing device; a
     * writable one is FAILED_PRECONDITION (one user of a writable device at a time; the check and the attach are
     * one step under the volume's lock). NOT_FOUND if it does not exist. An ephemeral volume ignores
     * {@code directIo}: its reads go through the chain image's shared page cache.
     */
    Attachment attach(String volumeId, AttachOptions options);

    /** Detaches the volume's device; does nothing when it is not attached or does not exist. */
    void detach(String volumeId);

    /**
     * Deletes the volume and frees its storage. Idempotent (an unknown id is success). FAILED_PRECONDITION
     * while it is attached: storage a guest may be using is never freed.
     */
    void deleteVolume(String volumeId);

    /**
     * Logical size and the bytes this volume owns exclusively (not shared with its chain image); an ephemeral
     * volume's logical size is its chain image's and it owns nothing. NOT_FOUND for an unknown volume.
     */
    VolumeStats volumeStats(String volumeId);

    /**
     * What the store holds, logical and physical, shared and exclusive, volumes of both modes, and the page cache
     * its files hold. Costs a FIEMAP and a {@code mincore} walk per file (milliseconds for tens of files): call it
     * on demand or on a period, not per request.
     */
    StoreUsage usage();

    /**
     * The copy-on-write backend in use and why it was chosen (configured, probed, or kept from an earlier
     * start), for a status condition: {@code copy} means every clone is a full copy.
     */
    default BackendInfo backendInfo() {
        return new BackendInfo("unknown", "not reported by this store", false);
    }

    /** Evicts unused chains and blobs, least recently used first, until {@code policy} is met. */
    GcReport gc(GcPolicy policy);

    @Override
    void close();

    /**
     * Receives progress of long operations (pull bytes, build steps) for progress bars and logs. A pull callback may
     * throw {@link io.unibloc.types.PullCancelledException} to stop the pull (its caller no longer wants the image):
     * the unfinished blob is discarded, no other source is tried, and the operation throws that exception unchanged.
     */
    interface Progress {
        Progress NONE = new Progress() {};

        default void pullStarted(Digest blob, long totalBytes) {}

        default void pulled(Digest blob, long bytesSoFar) {}

        default void pullFinished(Digest blob) {}

        default void buildStarted(String chainId, int layerIndex, int layerCount) {}

        default void buildFinished(String chainId, long millis) {}
    }

    /**
     * A volume to create. The volume gets at least {@code sizeBytes} and at least its image's size, for every
     * filesystem ({@code sizeBytes} 0: the image's own size); {@code limitBytes} (0: none) caps it, and an image
     * larger than the limit is INVALID_ARGUMENT. {@code writeMode} null is {@link WriteMode#PERSISTENT}; an
     * ephemeral volume is always read-only and ignores {@code readOnly} and {@code limitBytes}.
     */
    record VolumeSpec(
            String id,
            ImageReference image,
            FsType fsType,
            long sizeBytes,
            long limitBytes,
            boolean readOnly,
            WriteMode writeMode) {
        public VolumeSpec {
            writeMode = writeMode == null ? WriteMode.PERSISTENT : writeMode;
        }

        /** A persistent volume. */
        public VolumeSpec(
                String id, ImageReference image, FsType fsType, long sizeBytes, long limitBytes, boolean readOnly) {
            this(id, image, fsType, sizeBytes, limitBytes, readOnly, WriteMode.PERSISTENT);
        }

        /** A persistent volume without a limit. */
        public VolumeSpec(String id, ImageReference image, FsType fsType, long sizeBytes, boolean readOnly) {
            this(id, image, fsType, sizeBytes, 0, readOnly);
        }
    }

    /** An image whose chain images all exist, ready to clone. */
    record PreparedImage(
            ImageReference pinned,
            FsType fsType,
            List<String> chainIds,
            String topChainId,
            long imageBytes,
            boolean cached) {}

    /**
     * A volume as the store knows it. {@code device} is present while attached. For an ephemeral volume
     * {@code sizeBytes} is the guest's view (the size of its overlay) and {@code readOnly} is true: its device is.
     */
    record Volume(
            String id,
            ImageReference image,
            FsType fsType,
            long sizeBytes,
            boolean readOnly,
            String chainId,
            Optional<String> device,
            WriteMode writeMode) {
        public Volume {
            writeMode = writeMode == null ? WriteMode.PERSISTENT : writeMode;
        }

        /** A persistent volume. */
        public Volume(
                String id,
                ImageReference image,
                FsType fsType,
                long sizeBytes,
                boolean readOnly,
                String chainId,
                Optional<String> device) {
            this(id, image, fsType, sizeBytes, readOnly, chainId, device, WriteMode.PERSISTENT);
        }

        public boolean ephemeral() {
            return writeMode == WriteMode.EPHEMERAL;
        }
    }

    record AttachOptions(boolean directIo) {
        public static final AttachOptions DEFAULT = new AttachOptions(false);
    }

    record Attachment(String volumeId, String device, boolean readOnly) {}

    record VolumeStats(String volumeId, long logicalBytes, long exclusiveBytes) {}

    /**
     * Store-wide figures. {@code logicalBytes} and {@code physicalBytes} cover chain images and volumes only:
     * {@code physicalBytes} is the union of their extents, so blocks shared by clones count once. Layer blobs
     * live outside the copy-on-write filesystem and are counted apart in {@code blobBytes}, never inside
     * {@code physicalBytes}: the bytes a new chain adds are the difference of {@code physicalBytes} alone.
     * {@code volumes} counts both modes, {@code ephemeralVolumes} the ephemeral ones among them; an ephemeral
     * volume owns no file, so it adds nothing to the logical or physical bytes, and {@code ephemeralBytes} is the
     * sum of what their guests see (each overlay's size: the guest's writes live in its VMM's overlay, outside the
     * store). {@code pageCache} is the host page cache the store's files hold now.
     */
    record StoreUsage(
            String backend,
            long capacityBytes,
            long freeBytes,
            long logicalBytes,
            long physicalBytes,
            long blobBytes,
            int images,
            int chains,
            int volumes,
            int ephemeralVolumes,
            long ephemeralBytes,
            PageCacheUsage pageCache) {
        public StoreUsage {
            pageCache = pageCache == null ? PageCacheUsage.NOT_REPORTED : pageCache;
        }

        /** Figures of a store that reports neither ephemeral volumes nor its page cache (a fake, a remote). */
        public StoreUsage(
                String backend,
                long capacityBytes,
                long freeBytes,
                long logicalBytes,
                long physicalBytes,
                long blobBytes,
                int images,
                int chains,
                int volumes) {
            this(
                    backend,
                    capacityBytes,
                    freeBytes,
                    logicalBytes,
                    physicalBytes,
                    blobBytes,
                    images,
                    chains,
                    volumes,
                    0,
                    0,
                    PageCacheUsage.NOT_REPORTED);
        }

        public int persistentVolumes() {
            return volumes - ephemeralVolumes;
        }
    }

    /**
     * Bytes of the store's files resident in the host page cache, each inode once: {@code chainBytes} the chain
     * images (and so every ephemeral volume, whose link is its chain image's inode), {@code volumeBytes} the
     * persistent volumes' own clones, {@code backendFileBytes} the file the store lives in ({@code xfs.img} of
     * {@code xfs-loop}; 0 for other backends), {@code blobBytes} the content store's blobs (a pull leaves the layers
     * it wrote cached). A persistent guest's reads land in its clone's cache; an ephemeral guest's in the chain
     * image's, shared with every guest of the image. {@code unknownCause} is set, and every figure 0, when the
     * figure could not be counted truly (the scan failed, or the kernel would not answer this process for the
     * store's files): readers show "unknown", never 0, which would read as an empty cache.
     */
    record PageCacheUsage(
            long chainBytes, long volumeBytes, long backendFileBytes, long blobBytes, String unknownCause) {
        /** What a store that does not count its page cache (a fake, a remote) reports. */
        public static final PageCacheUsage NOT_REPORTED = unknown("this store does not report its page cache");

        public static PageCacheUsage counted(long chainBytes, long volumeBytes, long backendFileBytes, long blobBytes) {
            return new PageCacheUsage(chainBytes, volumeBytes, backendFileBytes, blobBytes, null);
        }

        public static PageCacheUsage unknown(String cause) {
            return new PageCacheUsage(0, 0, 0, 0, cause);
        }

        public boolean known() {
            return unknownCause == null;
        }

        public long totalBytes() {
            return chainBytes + volumeBytes + backendFileBytes + blobBytes;
        }
    }

    /** {@code sharesBlocks}: clones share blocks with their source (false only for {@code copy}). */
    record BackendInfo(String name, String reason, boolean sharesBlocks) {}

    /** {@code maxBytes}: the budget for chains and blobs that no volume uses. */
    record GcPolicy(long maxBytes, boolean sweepOrphans) {}

    record GcReport(int chainsRemoved, int blobsRemoved, long bytesFreed, int orphansSwept) {}
}
