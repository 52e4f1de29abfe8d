package io.unibloc.blockstore.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.Sha256;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
    @TempDir
    Path root;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private List<String> filesInBlobDir() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("blobs/sha256"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void ingestsVerifiesAndFinds() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] content = random(200_000, 1);
        Digest d = Sha256.of(content);
        assertThat(store.find(d)).isEmpty();
        Path p = store.ingest(d, content.length, new ByteArrayInputStream(content));
        assertThat(p).isEqualTo(root.resolve("blobs/sha256/" + d.hex()));
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
        assertThat(store.find(d)).contains(p);
        assertThat(store.read(d)).isEqualTo(content);
        assertThat(store.verify(d)).isTrue();
        assertThat(store.list()).singleElement().satisfies(b -> {
            assertThat(b.digest()).isEqualTo(d);
            assertThat(b.size()).isEqualTo(content.length);
        });
        // Idempotent: a second ingest does not even read the stream.
        InputStream exploding = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("must not be read");
            }
        };
        assertThat(store.ingest(d, content.length, exploding)).isEqualTo(p);
        assertThat(filesInBlobDir()).containsExactly(d.hex());
    }

    @Test
    void wrongDigestOrSizeLeavesNothing() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] content = random(10_000, 2);
        Digest other = Sha256.of(random(10, 3));
        assertThatThrownBy(() -> store.ingest(other, content.length, new ByteArrayInputStream(content)))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage())
                            .contains(other.toString())
                            .contains(Sha256.of(content).toString());
                });
        Digest d = Sha256.of(content);
        assertThatThrownBy(() -> store.ingest(d, content.length + 5, new ByteArrayInputStream(content)))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> store.ingest(d, content.length - 5, new ByteArrayInputStream(content)))
                .hasMessageContaining("more than the declared");
        assertThat(filesInBlobDir()).isEmpty();
        assertThat(store.find(d)).isEmpty();
    }

    @Test
    void deletingABlobRemovesItsLockFileAndTheDigestCanBeWrittenAgain() throws Exception {
        ContentStore store = new ContentStore(root);
        for (int i = 0; i < 20; i++) {
            Digest d = store.put(("blob " + i).getBytes(StandardCharsets.UTF_8));
            assertThat(store.delete(d)).isTrue();
        }
        Digest again = store.put("blob 0".getBytes(StandardCharsets.UTF_8));
        assertThat(store.contains(again)).isTrue();
        assertThat(store.delete(again)).isTrue();
        try (Stream<Path> locks = Files.list(root.resolve("locks"))) {
            assertThat(locks).as("no lock file outlives its blob").isEmpty();
        }
    }

    @Test
    void verifyRemovesDamagedBlob() throws Exception {
        ContentStore store = new ContentStore(root);
        Digest d = store.put("hello".getBytes(StandardCharsets.UTF_8));
        Path p = store.blobPath(d);
        p.toFile().setWritable(true);
        Files.writeString(p, "hellO");
        assertThat(store.verify(d)).isFalse();
        assertThat(store.contains(d)).isFalse();
        assertThatThrownBy(() -> store.verify(d))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThat(store.delete(d)).isFalse();
    }

    @Test
    void readRefusesDamagedBlob() throws Exception {
        ContentStore store = new ContentStore(root);
        Digest d = store.put("{}".getBytes(StandardCharsets.UTF_8));
        store.blobPath(d).toFile().setWritable(true);
        Files.writeString(store.blobPath(d), "[]");
        assertThatThrownBy(() -> store.read(d)).hasMessageContaining("damaged");
    }

    @Test
    void resetAndResumeKeepTheHashRight() {
        ContentStore store = new ContentStore(root);
        byte[] content = random(50_000, 4);
        Digest d = Sha256.of(content);
        try (BlobWriter w = store.openWriter(d, content.length, "test")) {
            w.write(content, 0, 1000);
            w.reset();
            w.write(content, 0, 20_000);
            assertThat(w.written()).isEqualTo(20_000);
            w.write(content, 20_000, content.length - 20_000);
            w.commit();
        }
        assertThat(store.verify(d)).isTrue();
    }

    @Test
    void concurrentWritersOfOneDigestWriteOnce() throws Exception {
        ContentStore a = new ContentStore(root);
        ContentStore b = new ContentStore(root); // a second instance in the same JVM shares the file locks
        byte[] content = random(300_000, 5);
        Digest d = Sha256.of(content);
        AtomicInteger writes = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ContentStore s = i % 2 == 0 ? a : b;
            fs.add(pool.submit(() -> {
                start.await();
                try (BlobWriter w = s.openWriter(d, content.length, "t")) {
                    if (!w.alreadyPresent()) {
                        writes.incrementAndGet();
                        w.write(content, 0, content.length);
                        w.commit();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(writes).hasValue(1);
        assertThat(a.verify(d)).isTrue();
        assertThat(filesInBlobDir()).containsExactly(d.hex());
    }

    @Test
    void anotherProcessHoldingTheLockMakesUsWaitThenSeeTheBlob() throws Exception {
        String text = "written by the child process";
        Digest d = Sha256.of(text.getBytes(StandardCharsets.UTF_8));
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHolderMain.class.getName(),
                        root.toString(),
                        text)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            ContentStore impatient = new ContentStore(root, Duration.ofMillis(300));
            assertThatThrownBy(() -> impatient.openWriter(d, -1, "parent"))
                    .isInstanceOfSatisfying(
                            StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
            ContentStore patient = new ContentStore(root, Duration.ofSeconds(30));
            // A temp sweep while the child writes must leave its work alone.
            assertThat(patient.sweepTemps()).isZero();
            child.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            try (BlobWriter w = patient.openWriter(d, -1, "parent")) {
                assertThat(w.alreadyPresent()).isTrue();
            }
            assertThat(out.readLine()).isEqualTo("committed");
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void sweepRemovesCrashLeftovers() throws Exception {
        ContentStore store = new ContentStore(root);
        Digest d = store.put("kept".getBytes(StandardCharsets.UTF_8));
        Files.writeString(root.resolve("blobs/sha256/.tmp-" + "b".repeat(64) + "-dead"), "half");
        Files.writeString(root.resolve("blobs/sha256/.tmp-garbage"), "x");
        assertThat(store.sweepTemps()).isEqualTo(2);
        assertThat(filesInBlobDir()).containsExactly(d.hex());
        assertThat(store.list()).hasSize(1);
    }
}
