package io.unibloc.blockstore.fs;

import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and grows ext2/ext4 chain images. A base image is made from an unpacked tree without mounting
 * ({@code mkfs -d}, which keeps owners, modes, times, xattrs and hard links when run as root); the next
 * layer is applied to a clone that is grown just enough beforehand, so sizes stay tight and most blocks
 * stay shared with the parent.
 */
public final class ExtImages {
    private static final Logger LOG = LoggerFactory.getLogger(ExtImages.class);
    private static final long BLOCK = 4096;
    private static final long MIB = 1 << 20;
    private static final int INODE_SIZE = 256;

    private ExtImages() {}

    /**
     * Creates {@code image} from {@code tree}. The size is computed from the tree (data, inode tables,
     * metadata slack); should mkfs still run out of room it is retried larger. Journal-less: a chain image
     * is written once and sealed. {@code uuid} makes the result reproducible per chain.
     */
    public static void createFromTree(FsType type, Path tree, Path image, String uuid) {
        TreeSize size = TreeSize.of(tree);
        long inodes = size.inodes() + size.inodes() / 4 + 256;
        long bytes = size.dataBytes() + (size.directories() + size.symlinks()) * BLOCK + inodes * INODE_SIZE;
        bytes = roundUp(bytes + bytes / 20 + 8 * MIB, 4 * MIB);
        for (int attempt = 0; ; attempt++) {
            List<String> command = new ArrayList<>(List.of(
                    type == FsType.EXT2 ? "mkfs.ext2" : "mkfs.ext4",
                    "-q",
                    "-F",
                    "-b",
                    "4096",
                    "-I",
                    String.valueOf(INODE_SIZE),
                    "-N",
                    String.valueOf(inodes),
                    "-m",
                    "0"));
            if (type == FsType.EXT4) {
                command.addAll(List.of("-O", "^has_journal"));
            }
            if (uuid != null) {
                command.addAll(List.of("-U", uuid, "-E", "hash_seed=" + uuid));
            }
            command.addAll(List.of("-d", tree.toString(), image.toString(), (bytes / 1024) + "k"));
            Exec.Result result = Exec.run(command);
            if (result.ok()) {
                return;
            }
            if (attempt >= 3 || !result.output().matches("(?s).*(space|allocate|inodes|too small).*")) {
                throw StoreException.internal(
                        "mkfs of " + image + " from " + tree + " failed: " + result.output(), null);
            }
            LOG.info("image too small, retrying larger image={} bytes={}", image, bytes);
            bytes = roundUp(bytes + bytes / 2, 4 * MIB);
            inodes += inodes / 2;
            try {
                Files.deleteIfExists(image);
            } catch (IOException e) {
                throw StoreException.internal("cannot remove failed image " + image + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Grows an unmounted image so that a layer fits: free blocks for its {@code dataBytes} and
     * {@code directories} and free inodes for its {@code entries}, with 10% slack. "Free" means what a
     * write on the mounted image can really take: the superblock's free count minus the blocks the kernel
     * holds back ({@link ExtSuperblock#kernelReservedBlocks}), which grow with the image, and minus the
     * bitmaps and inode tables of the groups the growth adds. Does nothing when it fits already. Returns
     * the new size in bytes.
     */
    public static long growFor(Path image, long dataBytes, long directories, long entries) {
        ExtSuperblock sb = ExtSuperblock.read(image);
        long bs = sb.blockSize();
        long needBlocks = (dataBytes + directories * BLOCK + entries * 64) / bs;
        needBlocks += needBlocks / 10 + MIB / bs;
        long needInodes = entries + entries / 10 + 16;
        long usable = sb.freeBlocks() - sb.kernelReservedBlocks(sb.blocksCount());
        if (usable >= needBlocks && sb.freeInodes() >= needInodes) {
            return sb.bytes();
        }
        long tableBlocks = (sb.inodesPerGroup() * readInodeSize(image) + bs - 1) / bs + 2;
        long groups = (sb.blocksCount() + sb.blocksPerGroup() - 1) / sb.blocksPerGroup();
        long target = sb.blocksCount() + Math.max(0, needBlocks - usable);
        if (needInodes > sb.freeInodes()) {
            long extra = (needInodes - sb.freeInodes() + sb.inodesPerGroup() - 1) / sb.inodesPerGroup();
            target = Math.max(target, (groups + extra - 1) * sb.blocksPerGroup() + tableBlocks + 256);
        }
        // New groups cost their own tables and a bigger image a bigger kernel reserve: add the shortfall
        // until none is left (two or three rounds, each shortfall about 2% of the last).
        for (int round = 0; round < 16; round++) {
            long newGroups = Math.max(0, (target + sb.blocksPerGroup() - 1) / sb.blocksPerGroup() - groups);
            long free = sb.freeBlocks() + (target - sb.blocksCount()) - newGroups * tableBlocks;
            long shortBy = needBlocks - (free - sb.kernelReservedBlocks(target));
            if (shortBy <= 0) {
                break;
            }
            target += shortBy;
        }
        long bytes = roundUp(target * bs, 4 * MIB);
        LOG.debug(
                "growing image={} fromBlocks={} toBytes={} needBlocks={} usableBlocks={}",
                image,
                sb.blocksCount(),
                bytes,
                needBlocks,
                usable);
        resize(image, bytes);
        return bytes;
    }

    /** Grows an unmounted image to {@code bytes} (file and filesystem). Never shrinks. */
    public static void resize(Path image, long bytes) {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            if (file.length() >= bytes) {
                return;
            }
            file.setLength(bytes);
        } catch (IOException e) {
            throw StoreException.internal("cannot extend " + image + " to " + bytes + " bytes: " + e.getMessage(), e);
        }
        // -f: the image is fresh from mkfs or a clean unmount; a forced e2fsck first would cost seconds.
        Exec.check(List.of("resize2fs", "-f", image.toString(), (bytes / 1024) + "K"));
    }

    /**
     * Mounts {@code image} on {@code mountPoint} for the duration of {@code work} and unmounts it whatever
     * happens. {@code noinit_itable}: the kernel's lazy inode-table zeroing would rewrite (and unshare)
     * blocks of a clone for nothing.
     */
    public static void withMounted(FsType type, Path image, Path mountPoint, Runnable work) {
        Mounts.mountLoop(image, mountPoint, type.id(), type == FsType.EXT4 ? "noinit_itable" : "");
        try {
            work.run();
        } finally {
            Mounts.unmount(mountPoint);
        }
    }

    private static long readInodeSize(Path image) {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "r")) {
            file.seek(1024 + 88);
            int lo = file.read();
            int hi = file.read();
            int size = lo | (hi << 8);
            return size == 0 ? 128 : size;
        } catch (IOException e) {
            throw StoreException.internal("cannot read the inode size of " + image + ": " + e.getMessage(), e);
        }
    }

    private static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }
}
