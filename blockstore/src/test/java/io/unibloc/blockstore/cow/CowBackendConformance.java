package io.unibloc.blockstore.cow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.fs.Fiemap;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one conformance suite every copy-on-write backend passes: a clone is an independent file with the
 * source's content and holes; only time and shared space differ, and those as the backend claims.
 */
abstract class CowBackendConformance {
    protected Path dir;
    protected CowBackend backend;

    /** Opens the backend under test in {@code dir} (a fresh directory under /tmp). */
    protected abstract CowBackend open(Path dir) throws Exception;

    /** Undoes what {@link #open} set up beyond the backend itself (a test mount). */
    protected void cleanUp(Path dir) throws Exception {}

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("chain-cow-");
        backend = open(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (backend != null) {
                backend.close();
            }
            cleanUp(dir);
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void aCloneHasTheSourcesContentAndIsIndependentOfIt() throws Exception {
        Path source = randomFile("source", 3 << 20);
        byte[] original = Files.readAllBytes(source);
        Path clone = backend.dataRoot().resolve("clone");

        backend.cloneFile(source, clone);
        assertThat(Files.readAllBytes(clone)).isEqualTo(original);

        overwrite(clone, 4096, "clone-write");
        assertThat(Files.readAllBytes(source)).isEqualTo(original);
        overwrite(source, 8192, "source-write");
        byte[] cloneNow = Files.readAllBytes(clone);
        assertThat(new String(cloneNow, 4096, 11)).isEqualTo("clone-write");
        assertThat(new String(cloneNow, 8192, 12)).isNotEqualTo("source-write");
    }

    @Test
    void sharesBlocksExactlyWhenTheBackendSaysSo() throws Exception {
        Path source = randomFile("shared-source", 8 << 20);
        Path clone = backend.dataRoot().resolve("shared-clone");
        backend.cloneFile(source, clone);

        Fiemap.Map map = Fiemap.of(clone);
        assertThat(map.allocatedBytes()).isEqualTo(8 << 20);
        if (backend.sharesBlocks()) {
            assertThat(map.exclusiveBytes()).isZero();
            overwrite(clone, 0, "x".repeat(4096));
            assertThat(Fiemap.of(clone).exclusiveBytes()).isEqualTo(4096);
        } else {
            assertThat(map.exclusiveBytes()).isEqualTo(8 << 20);
        }
    }

    @Test
    void keepsHolesOfSparseFiles() throws Exception {
        Path source = backend.dataRoot().resolve("sparse");
        try (RandomAccessFile file = new RandomAccessFile(source.toFile(), "rw")) {
            file.setLength(256L << 20);
            file.seek(100L << 20);
            file.write(new byte[1 << 20]);
            file.seek(100L << 20);
            file.write(1);
        }
        Path clone = backend.dataRoot().resolve("sparse-clone");
        backend.cloneFile(source, clone);
        assertThat(Files.size(clone)).isEqualTo(256L << 20);
        assertThat(Fiemap.of(clone).allocatedBytes()).isLessThanOrEqualTo(2L << 20);
    }

    @Test
    void refusesAnExistingTargetAndAMissingSource() throws Exception {
        Path source = randomFile("s", 4096);
        Path existing = Files.writeString(backend.dataRoot().resolve("existing"), "keep");
        assertThatThrownBy(() -> backend.cloneFile(source, existing))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        assertThat(Files.readString(existing)).isEqualTo("keep");

        Path target = backend.dataRoot().resolve("never");
        assertThatThrownBy(() -> backend.cloneFile(backend.dataRoot().resolve("missing"), target))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThat(target).doesNotExist();
    }

    @Test
    void clonesConcurrently() throws Exception {
        Path source = randomFile("concurrent", 1 << 20);
        byte[] original = Files.readAllBytes(source);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Path>> clones = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Path target = backend.dataRoot().resolve("c" + i);
                clones.add(pool.submit(() -> {
                    backend.cloneFile(source, target);
                    return target;
                }));
            }
            for (Future<Path> clone : clones) {
                assertThat(Files.readAllBytes(clone.get())).isEqualTo(original);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    protected Path randomFile(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Path file = backend.dataRoot().resolve(name);
        Files.write(file, data);
        return file;
    }

    private static void overwrite(Path file, long offset, String text) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(text.getBytes());
            raf.getFD().sync();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
