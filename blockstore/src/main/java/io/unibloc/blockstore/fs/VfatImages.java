package io.unibloc.blockstore.fs;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds FAT images from a merged tree with {@code mkfs.fat} and {@code mcopy -s} (mtools), without
 * mounting: this kernel, like many node kernels, may lack the vfat driver. FAT holds regular files and
 * directories only: the caller makes links plain first (see {@code LayerTree#flattenForFat}). Long names are
 * kept (VFAT long-name entries). The FAT type follows the size as {@code mkfs.fat} chooses it unless
 * {@code fatBits} forces one.
 */
public final class VfatImages {
    private static final long MIB = 1 << 20;

    private VfatImages() {}

    /** Creates {@code image} (must not exist) holding {@code tree}, which has only files and directories. */
    public static void createFromTree(Path tree, Path image, int fatBits, String volumeId) {
        TreeSize size = TreeSize.of(tree);
        // Clusters may be up to 32 KiB on larger volumes; count each file's slack and every directory.
        long bytes = size.dataBytes() + size.inodes() * 8192 + 2 * MIB;
        bytes += bytes / 8;
        // Below these sizes mkfs.fat makes a FAT16/FAT32 with too few clusters to be valid.
        if (fatBits == 16) {
            bytes = Math.max(bytes, 16 * MIB);
        } else if (fatBits == 32) {
            bytes = Math.max(bytes, 36 * MIB);
        }
        bytes = (bytes + MIB - 1) / MIB * MIB;
        List<String> mkfs = new ArrayList<>(List.of("mkfs.fat", "-C"));
        if (fatBits != 0) {
            mkfs.addAll(List.of("-F", String.valueOf(fatBits)));
        }
        if (volumeId != null) {
            mkfs.addAll(List.of("-i", volumeId));
        }
        mkfs.addAll(List.of(image.toString(), String.valueOf(bytes / 1024)));
        Exec.check(mkfs);
        List<String> top;
        try (Stream<Path> children = Files.list(tree)) {
            top = children.map(Path::toString).sorted().toList();
        } catch (IOException e) {
            throw StoreException.internal("cannot list " + tree + ": " + e.getMessage(), e);
        }
        if (top.isEmpty()) {
            return;
        }
        List<String> mcopy =
                new ArrayList<>(List.of("mcopy", "-s", "-p", "-m", "-Q", "-D", "o", "-i", image.toString()));
        mcopy.addAll(top);
        mcopy.add("::/");
        Exec.check(mcopy, Map.of("MTOOLS_SKIP_CHECK", "1", "MTOOLS_NO_VFAT", ""));
    }
}
