package io.unibloc.blockstore.fs;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * What a directory tree needs in an image: file data rounded to 4 KiB blocks (hard links counted once),
 * and the number of inodes, directories and symlinks.
 */
public record TreeSize(long dataBytes, long inodes, long directories, long symlinks) {
    private static final long BLOCK = 4096;

    public static TreeSize of(Path root) {
        long[] counts = new long[4];
        Set<Object> seen = new HashSet<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    counts[1]++;
                    counts[2]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.fileKey() != null && !seen.add(attrs.fileKey())) {
                        return FileVisitResult.CONTINUE; // another name of a counted inode
                    }
                    counts[1]++;
                    if (attrs.isRegularFile()) {
                        counts[0] += (attrs.size() + BLOCK - 1) / BLOCK * BLOCK;
                    } else if (attrs.isSymbolicLink()) {
                        counts[3]++;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw StoreException.internal("cannot measure tree " + root + ": " + e.getMessage(), e);
        }
        return new TreeSize(counts[0], counts[1], counts[2], counts[3]);
    }
}
