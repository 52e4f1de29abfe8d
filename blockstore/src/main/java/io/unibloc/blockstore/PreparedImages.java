package io.unibloc.blockstore;

import io.unibloc.blockstore.fs.AtomicFiles;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which chains a pinned image was built into, per filesystem, under {@code <data>/images/}: what lets a
 * warm {@code prepare} or volume create answer from two file reads, without parsing manifests.
 */
final class PreparedImages {
    private final Path dir;

    PreparedImages(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw StoreException.internal("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The stored form; the reference is kept as text. */
    record Entry(String pinned, String fsType, List<String> chainIds, String topChainId, long imageBytes) {}

    static String key(ImageReference pinned, FsType fs, int fatBits, String platform) {
        String text = pinned.digest() + "\n" + pinned.layout() + "\n" + pinned.registry() + "/" + pinned.repository()
                + "\n" + fs.id() + "\n" + fatBits + "\n" + platform;
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<BlockStore.PreparedImage> find(String key) {
        return AtomicFiles.readJson(dir.resolve(key + ".json"), Entry.class)
                .map(e -> new BlockStore.PreparedImage(
                        ImageReference.parse(e.pinned()),
                        FsType.parse(e.fsType()),
                        e.chainIds(),
                        e.topChainId(),
                        e.imageBytes(),
                        true));
    }

    void save(String key, BlockStore.PreparedImage image) {
        AtomicFiles.writeJson(
                dir.resolve(key + ".json"),
                new Entry(
                        image.pinned().toString(),
                        image.fsType().id(),
                        image.chainIds(),
                        image.topChainId(),
                        image.imageBytes()));
    }

    int count() {
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }
}
