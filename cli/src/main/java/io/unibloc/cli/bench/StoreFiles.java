package io.unibloc.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files whose page cache is the store's: chain images, persistent volumes' disks, ephemeral volumes' links and
 * the xfs-loop backend's {@code xfs.img}, each inode once (an ephemeral link is its chain image's inode, and counting
 * it twice would double the figure the benchmark exists to show is single).
 */
final class StoreFiles {
    static final String XFS_IMG = "xfs.img";

    private StoreFiles() {}

    /** Where the store keeps its data: the xfs-loop backend's mount point, or the store directory itself. */
    static Path dataRoot(Path storeRoot) {
        Path mnt = storeRoot.resolve("mnt");
        return Files.isDirectory(mnt.resolve("chains")) ? mnt : storeRoot;
    }

    /** The store's files, one path per inode. */
    static List<Path> of(Path storeRoot) throws IOException {
        Path dataDir = dataRoot(storeRoot);
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> chains = Files.list(dataDir.resolve("chains"))) {
            chains.filter(p -> p.toString().endsWith(".img")).forEach(candidates::add);
        }
        for (String dir : List.of("volumes", "ephemeral")) {
            if (Files.isDirectory(dataDir.resolve(dir))) {
                try (Stream<Path> walk = Files.walk(dataDir.resolve(dir), 2)) {
                    walk.filter(p -> p.toString().endsWith(".img")).forEach(candidates::add);
                }
            }
        }
        candidates.add(storeRoot.resolve(XFS_IMG));
        List<Path> files = new ArrayList<>();
        Set<Object> inodes = new HashSet<>();
        for (Path p : candidates) {
            if (Files.isRegularFile(p)
                    && inodes.add(
                            Files.readAttributes(p, BasicFileAttributes.class).fileKey())) {
                files.add(p);
            }
        }
        return files;
    }

    /** Resident bytes of the store's files, and of {@code xfs.img} alone (0 on other backends). */
    record Resident(long total, long xfsImg) {}

    static Resident resident(Path storeRoot) throws IOException {
        Path xfsImg = storeRoot.resolve(XFS_IMG);
        return new Resident(
                HostIo.residentBytes(of(storeRoot)),
                Files.isRegularFile(xfsImg) ? HostIo.residentBytes(List.of(xfsImg)) : 0);
    }
}
