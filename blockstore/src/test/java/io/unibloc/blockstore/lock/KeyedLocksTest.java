package io.unibloc.blockstore.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single-flight: one holder per key among threads, and among processes through the lock file. */
class KeyedLocksTest {
    @TempDir
    Path dir;

    @Test
    void excludesThreadsPerKeyButNotAcrossKeys() throws Exception {
        KeyedLocks locks = new KeyedLocks(dir);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        for (int i = 0; i < 64; i++) {
            pool.submit(() -> {
                try (KeyedLocks.Held ignored = locks.lock("same")) {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.sleep(1);
                    inside.decrementAndGet();
                }
                return null;
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(maxInside.get()).isEqualTo(1);
        try (KeyedLocks.Held a = locks.lock("a");
                KeyedLocks.Held b = locks.lock("b")) {
            assertThat(locks.tryLock("a")).isEmpty();
        }
        assertThat(locks.tryLock("a")).hasValueSatisfying(KeyedLocks.Held::close);
    }

    @Test
    void excludesAnotherProcessAndFreesTheKeyWhenItDies() throws Exception {
        KeyedLocks locks = new KeyedLocks(dir);
        Path ready = dir.resolve("ready");
        // A second JVM holds the key's file lock until it is killed.
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path source = dir.resolve("Hold.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        c.lock();
                        Files.writeString(Path.of(a[1]), "ok");
                        Thread.sleep(60_000);
                    }
                }
                """);
        Process holder = new ProcessBuilder(List.of(
                        javaBin, source.toString(), dir.resolve("k.lock").toString(), ready.toString()))
                .inheritIO()
                .start();
        try {
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.exists(ready) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ready).exists();
            assertThat(locks.tryLock("k")).isEmpty();
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertThat(locks.tryLock("k"))
                .as("the kernel frees a dead holder's lock")
                .hasValueSatisfying(KeyedLocks.Held::close);
    }

    @Test
    void removingTheLockFileWhileHeldKeepsThreadsExclusiveAndLeavesNoFile() throws Exception {
        KeyedLocks locks = new KeyedLocks(dir);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Object>> done = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                try (KeyedLocks.Held held =
                        n % 2 == 0 ? locks.lock("gone") : locks.tryLock("gone").orElse(null)) {
                    if (held != null) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        held.removeLockFile();
                        inside.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (var f : done) {
            f.get(); // rethrows any failure to lock
        }
        assertThat(maxInside.get()).isEqualTo(1);
        assertThat(dir.resolve("gone.lock")).doesNotExist();
    }

    @Test
    void aWaiterWhoseFileWasRemovedLocksTheNewFileInsteadOfTheOldOne() throws Exception {
        KeyedLocks locks = new KeyedLocks(dir);
        Path lockFile = dir.resolve("k.lock");
        Path ready = dir.resolve("ready");
        Path go = dir.resolve("go");
        Path swapped = dir.resolve("swapped");
        // Another process holds the file, then (like a volume delete) unlinks it while holding it, takes a
        // fresh file of the same name, and only then lets the old one go.
        Path source = dir.resolve("Swap.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Swap {
                    public static void main(String[] a) throws Exception {
                        Path lock = Path.of(a[0]);
                        FileChannel old = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        old.lock();
                        Files.writeString(Path.of(a[1]), "ok");
                        while (!Files.exists(Path.of(a[2]))) {
                            Thread.sleep(20);
                        }
                        Files.delete(lock);
                        FileChannel fresh = FileChannel.open(lock, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        fresh.lock();
                        old.close();
                        Files.writeString(Path.of(a[3]), "ok");
                        Thread.sleep(60_000);
                    }
                }
                """);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(
                        javaBin,
                        source.toString(),
                        lockFile.toString(),
                        ready.toString(),
                        go.toString(),
                        swapped.toString()))
                .inheritIO()
                .start();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            awaitFile(ready);
            java.util.concurrent.Future<KeyedLocks.Held> waiter = pool.submit(() -> locks.lock("k"));
            Thread.sleep(300); // the waiter has opened the old file and blocks on it
            Files.writeString(go, "go");
            awaitFile(swapped);
            Thread.sleep(500);
            assertThat(waiter.isDone())
                    .as("the old file's lock is worthless once unlinked; the new one is held")
                    .isFalse();
            child.destroyForcibly().waitFor();
            try (KeyedLocks.Held held = waiter.get(30, TimeUnit.SECONDS)) {
                assertThat(lockFile).exists();
            }
        } finally {
            child.destroyForcibly().waitFor();
            pool.shutdownNow();
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(file) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(file).exists();
    }
}
