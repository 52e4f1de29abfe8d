package io.unibloc.blockstore.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sums the resident bytes of groups of files, each inode once: a file whose inode an earlier group (or an earlier
 * file of the same group) already counted adds nothing, so hard links — an ephemeral volume's link of its chain
 * image — never double the figure. Files that vanish while scanned count as nothing (a volume deleted meanwhile).
 */
public final class PageCacheScan {
    private final ResidentPages pages;

    public PageCacheScan(ResidentPages pages) {
        this.pages = pages;
    }

    /**
     * Resident bytes per group, in the groups' order; a group takes every inode it is first to name. Errors: an
     * IOException other than a vanished file, naming it.
     */
    public <K> Map<K, Long> scan(Map<K, List<Path>> groups) throws IOException {
        Set<Object> seen = new HashSet<>();
        Map<K, Long> out = new LinkedHashMap<>();
        for (Map.Entry<K, List<Path>> group : groups.entrySet()) {
            long bytes = 0;
            for (Path file : group.getValue()) {
                Object inode;
                try {
                    inode = Files.readAttributes(file, BasicFileAttributes.class)
                            .fileKey();
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (inode != null && !seen.add(inode)) {
                    continue;
                }
                try {
                    bytes += pages.of(file);
                } catch (NoSuchFileException e) {
                    // removed while we looked: it no longer holds cache
                }
            }
            out.put(group.getKey(), bytes);
        }
        return out;
    }
}
