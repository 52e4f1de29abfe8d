package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import io.unibloc.sandbox.volume.DirectReader;
import io.unibloc.sandbox.volume.ExtFiles;
import io.unibloc.sandbox.volume.FsFamily;
import io.unibloc.sandbox.volume.FsProbe;
import io.unibloc.sandbox.volume.VfatFiles;
import io.unibloc.sandbox.volume.VolumeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Projects {@code spec.files} into an ephemeral root: into the guest's own qcow2 overlay, before boot, so the guest
 * (Unikraft or Linux) sees what a persistent root shows — the image's filesystem with the files at their paths —
 * while the shared read-only device and its page cache stay untouched and every other guest of the image is
 * unaffected. The files are projected by the same code as for a persistent root, into a scratch copy of the
 * filesystem, and only the blocks that differ from the device are written into the overlay:
 *
 * <ul>
 *   <li>ext: {@code e2image -r} copies only the metadata into a sparse file of the filesystem's size (a few hundred
 *       KiB for a 64 MiB image); debugfs writes the files into it, and the data extents ({@code SEEK_DATA}) that
 *       are new and all zeros are dropped as allocation artefacts ({@link WrittenBlocks} says why nothing is lost):
 *       what remains is exactly the blocks e2image copied and debugfs wrote, compared whole with the device. That
 *       needs the filesystem's block to be 4096 bytes (as unibloc builds every image; a 1 KiB-block filesystem is
 *       refused), and a scratch directory that allocates sparse files block by block, which is probed once per
 *       projection (tmpfs with huge pages is refused: it reports 2 MiB of data around one written block, and its
 *       zeros would be copied over real data).</li>
 *   <li>vfat: the device is copied whole (vfat roots are small, at most {@link #MAX_VFAT_BYTES}), mtools writes the files into the copy, and the
 *       copy is compared with the device sector by sector.</li>
 * </ul>
 *
 * <p>Nothing but the overlay is left in the scratch directory; when anything fails the overlay is deleted too, so a
 * half-written overlay is never booted.
 */
public final class OverlayProjection {

    /** The only ext block size projected into an overlay: unibloc's chain images all have it. */
    public static final int EXT_BLOCK_SIZE = 4096;

    /**
     * The largest vfat root whose files go into an ephemeral root: it is copied whole into the Pod's scratch
     * directory (its emptyDir, counted against the Pod's ephemeral storage) at every boot, and a larger copy would
     * get the Pod evicted instead of refused with a reason. Larger vfat roots take files with writeMode persistent.
     */
    public static final long MAX_VFAT_BYTES = 64L << 20;

    private static final int SECTOR = 512;

    /** Where the scratch probe writes its one block: off every 64 KiB and 2 MiB boundary, inside a 4 MiB file. */
    private static final long PROBE_OFFSET = (2L << 20) + 3 * EXT_BLOCK_SIZE;

    private static final long PROBE_FILE_BYTES = 4L << 20;

    private final ProcessRunner runner;
    private final FsProbe fsProbe;
    private final VfatFiles vfat;
    private final DataExtents dataExtents;
    private final OverlayWriter writer;
    private final String e2image;

    public OverlayProjection(ProcessRunner runner) {
        this(runner, "qemu-img", "qemu-io", "e2image");
    }

    OverlayProjection(ProcessRunner runner, String qemuImg, String qemuIo, String e2image) {
        this.runner = runner;
        this.fsProbe = new FsProbe(runner);
        this.vfat = new VfatFiles(runner);
        this.dataExtents = new DataExtents(runner, qemuImg);
        this.writer = new OverlayWriter(runner, qemuIo);
        this.e2image = e2image;
    }

    /**
     * What a projection wrote into the overlay.
     *
     * @param runs contiguous runs written
     * @param bytes bytes written in all
     */
    public record Written(int runs, long bytes) {}

    /**
     * Writes {@code files} into {@code overlay}, a fresh qcow2 overlay whose backing file is {@code device} holding a
     * {@code family} filesystem. Repeating it on the same overlay gives the same view.
     *
     * @throws VolumeException naming the device, the overlay and the cause (an ext block size other than 4096, a
     *     source that cannot be read, a target that is a directory, a tool that failed); the overlay is deleted
     */
    public Written project(Path device, FsFamily family, Path overlay, List<FileProjection> files)
            throws VolumeException {
        if (files.isEmpty()) {
            return new Written(0, 0);
        }
        String context = "cannot project " + describe(files) + " into the overlay " + overlay + " of " + device;
        Path work = null;
        boolean written = false;
        try {
            Written result = switch (family) {
                case EXT -> {
                    checkBlockSize(device);
                    work = workDirectory(overlay);
                    checkAllocation(work);
                    yield ext(device, overlay, files, work);
                }
                case VFAT -> {
                    checkVfatSize(device);
                    work = workDirectory(overlay);
                    yield vfat(device, overlay, files, work);
                }
                case UNKNOWN ->
                    throw new VolumeException(
                            "it holds " + fsProbe.describe(device) + ", not an ext2/3/4 or vfat filesystem");
            };
            written = true;
            return result;
        } catch (IOException e) {
            throw new VolumeException(context + ": " + e.getMessage(), e);
        } finally {
            deleteRecursively(work);
            if (!written) {
                RootOverlay.delete(overlay);
            }
        }
    }

    /**
     * {@code <overlay>.files} beside the overlay, emptied first: one guest owns its overlay's path, so a fixed name is
     * unique, and unlike {@link Files#createTempDirectory} it costs no {@code SecureRandom} on the start path.
     */
    private static Path workDirectory(Path overlay) throws IOException {
        Path work = overlay.toAbsolutePath().resolveSibling(overlay.getFileName() + ".files");
        deleteRecursively(work);
        return Files.createDirectory(work);
    }

    private void checkBlockSize(Path device) throws IOException {
        int blockSize = fsProbe.extBlockSize(device);
        if (blockSize != EXT_BLOCK_SIZE) {
            throw new VolumeException("its ext filesystem has " + blockSize + "-byte blocks, and files go into an"
                    + " ephemeral root only with " + EXT_BLOCK_SIZE + "-byte blocks (as unibloc builds its images);"
                    + " use writeMode persistent, or make the image with mkfs.ext4 -b " + EXT_BLOCK_SIZE);
        }
    }

    /**
     * The metadata copy's data extents must be exactly the blocks written, which a filesystem's block size does not
     * promise (tmpfs with huge pages reports 4096 and allocates 2 MiB): one block written into a fresh sparse file
     * must map as exactly that block. Once per projection, one qemu-img process. It also refuses a filesystem without
     * holes (no sparse files, no {@code SEEK_HOLE}): the whole file would map as data.
     */
    private void checkAllocation(Path work) throws IOException {
        Path probe = work.resolve("allocation-probe.raw");
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.truncate(PROBE_FILE_BYTES);
            ByteBuffer block = ByteBuffer.allocate(EXT_BLOCK_SIZE);
            Arrays.fill(block.array(), (byte) 0x5a);
            while (block.hasRemaining()) {
                channel.write(block, PROBE_OFFSET + block.position());
            }
        }
        List<ByteRange> mapped = dataExtents.of(probe);
        Files.delete(probe);
        if (!mapped.equals(List.of(new ByteRange(PROBE_OFFSET, EXT_BLOCK_SIZE)))) {
            throw new VolumeException("the directory " + work + " does not allocate sparse files block by block: one "
                    + EXT_BLOCK_SIZE + "-byte block written at byte " + PROBE_OFFSET + " of a fresh "
                    + PROBE_FILE_BYTES + "-byte sparse file maps as data " + mapped + ", so the blocks the files"
                    + " change cannot be told apart there; give the sandbox a scratch directory on a filesystem that"
                    + " allocates in 4 KiB blocks, or use writeMode persistent");
        }
    }

    private void checkVfatSize(Path device) throws IOException {
        long size;
        try (DirectReader reader = DirectReader.open(device)) {
            size = reader.size();
        }
        if (size > MAX_VFAT_BYTES) {
            throw new VolumeException("its vfat filesystem is " + size + " bytes, and files go into an ephemeral"
                    + " vfat root only up to " + MAX_VFAT_BYTES + " bytes (" + (MAX_VFAT_BYTES >> 20) + " MiB: it is"
                    + " copied whole into the Pod's scratch space at every boot); use writeMode persistent");
        }
    }

    private Written ext(Path device, Path overlay, List<FileProjection> files, Path work) throws IOException {
        Path meta = work.resolve("meta.raw");
        copyMetadata(device, meta);
        List<ByteRange> metadata = dataExtents.of(meta);
        new ExtFiles(runner, work).project(meta, files);
        List<ByteRange> extents = WrittenBlocks.of(meta, metadata, dataExtents.of(meta), EXT_BLOCK_SIZE);
        return write(overlay, meta, ChangedBlocks.find(meta, device, extents, EXT_BLOCK_SIZE), work);
    }

    private Written vfat(Path device, Path overlay, List<FileProjection> files, Path work) throws IOException {
        Path copy = work.resolve("vfat.img");
        long size = copyWhole(device, copy);
        vfat.project(copy, files);
        return write(overlay, copy, ChangedBlocks.find(copy, device, List.of(new ByteRange(0, size)), SECTOR), work);
    }

    private Written write(Path overlay, Path source, List<ByteRange> runs, Path work) throws LaunchException {
        writer.write(overlay, source, runs, work);
        return new Written(
                runs.size(), runs.stream().mapToLong(ByteRange::length).sum());
    }

    /** {@code e2image -r}: the filesystem's metadata blocks at their offsets, holes everywhere else. */
    private void copyMetadata(Path device, Path meta) throws IOException {
        ToolResult result;
        try {
            result = runner.run(List.of(e2image, "-r", device.toString(), meta.toString()));
        } catch (ToolException e) {
            throw new VolumeException(
                    "cannot copy the ext metadata of " + device + ": " + e.getMessage() + " (needs e2fsprogs)", e);
        }
        if (!result.ok() || !Files.isRegularFile(meta)) {
            throw new VolumeException("cannot copy the ext metadata of " + device + ": " + result.describe());
        }
    }

    /** Read around the page cache: the guest's loop device should not keep a whole cached copy of its root. */
    private static long copyWhole(Path device, Path copy) throws IOException {
        try (DirectReader from = DirectReader.open(device);
                FileChannel to = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = from.size();
            if (size == 0) {
                throw new IOException(device + " is empty");
            }
            byte[] chunk = new byte[1 << 20];
            for (long copied = 0; copied < size; ) {
                int length = (int) Math.min(chunk.length, size - copied);
                from.readFully(copied, chunk, length);
                ByteBuffer out = ByteBuffer.wrap(chunk, 0, length);
                while (out.hasRemaining()) {
                    to.write(out, copied + out.position());
                }
                copied += length;
            }
            return size;
        }
    }

    private static String describe(List<FileProjection> files) {
        return files.size() + " file(s) ("
                + files.stream().map(FileProjection::target).collect(Collectors.joining(", ")) + ")";
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // the Pod's emptyDir goes with the Pod; the overlay is what counts
        }
    }
}
