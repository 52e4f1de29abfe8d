package io.unibloc.testkit.guest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Filesystem images made from a tree without mounting anything, as the block store makes them. */
public final class GuestDisks {

    private GuestDisks() {}

    /**
     * {@code mkfs.ext4 -d TREE}: an ext4 image of {@code sizeMiB} holding the tree, owned by root.
     *
     * @throws IOException naming the tool's complaint when mkfs fails
     */
    public static Path ext4(Path tree, Path image, int sizeMiB) throws IOException {
        Files.deleteIfExists(image);
        HostTool.run(
                "mkfs.ext4",
                "-q",
                "-F",
                "-b",
                "4096",
                "-E",
                "root_owner=0:0",
                "-d",
                tree.toString(),
                image.toString(),
                sizeMiB + "M");
        return image;
    }

    /**
     * {@code mkfs.vfat} on a sparse file of {@code sizeMiB}, then {@code mcopy -s} of the tree's contents.
     * FAT has no links, owners or modes: symbolic links in the tree are an error.
     */
    public static Path vfat(Path tree, Path image, int sizeMiB) throws IOException {
        Files.deleteIfExists(image);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength((long) sizeMiB << 20);
        }
        HostTool.run("mkfs.vfat", image.toString());
        List<String> command = new ArrayList<>(List.of("mcopy", "-s", "-i", image.toString()));
        try (Stream<Path> entries = Files.list(tree)) {
            for (Path entry : (Iterable<Path>) entries.sorted()::iterator) {
                if (Files.isSymbolicLink(entry)) {
                    throw new IOException("vfat cannot hold symbolic link " + entry);
                }
                command.add(entry.toString());
            }
        }
        command.add("::/");
        if (command.size() > 5) {
            HostTool.run(command, Map.of("MTOOLS_SKIP_CHECK", "1"));
        }
        return image;
    }
}
