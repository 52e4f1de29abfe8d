package io.unibloc.blockstore.chain;

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
        try (KeyedLocks.Held a = locks.lock("a"); KeyedLocks.Held b = locks.lock("b")) {
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
        Process holder = new ProcessBuilder(List.of(javaBin, source.toString(), dir.resolve("k.lock").toString(), ready.toString()))
                .inheritIO().start();
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
        assertThat(locks.tryLock("k")).as("the kernel frees a dead holder's lock").hasValueSatisfying(KeyedLocks.Held::close);
    }

}
