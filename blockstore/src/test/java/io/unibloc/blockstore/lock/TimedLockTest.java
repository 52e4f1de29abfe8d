package io.unibloc.blockstore.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock as the content store takes it (bounded wait, lock file removed with the blob) and what makes the permit
 * JVM-wide: no thread of this process may drop another thread's file lock, whichever {@link KeyedLocks} it uses.
 */
class TimedLockTest {
    @TempDir
    Path dir;

    private String otherProcessTries(Path lockFile) throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TryLockMain.class.getName(),
                        lockFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String answer = out.readLine();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return answer;
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aWaitingThreadDoesNotDropTheHoldersLockForOtherProcesses() throws Exception {
        Path lockFile = dir.resolve("x.lock");
        KeyedLocks locks = new KeyedLocks(dir);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> waiter;
            try (KeyedLocks.Held held = locks.lock("x", Duration.ofSeconds(1), "test")) {
                waiter = pool.submit(() -> {
                    try (KeyedLocks.Held second = locks.lock("x", Duration.ofSeconds(60), "test")) {
                        return "second";
                    }
                });
                Thread.sleep(200); // let the waiter poll many times
                assertThat(locks.tryLock("x")).as("same JVM while held").isEmpty();
                assertThat(otherProcessTries(lockFile))
                        .as("another process while thread A holds and B waits")
                        .isEqualTo("busy");
                assertThat(waiter.isDone()).isFalse();
            }
            assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo("second");
            assertThat(otherProcessTries(lockFile))
                    .as("after everyone released")
                    .isEqualTo("got");
            Optional<KeyedLocks.Held> again = locks.tryLock("x");
            assertThat(again).isPresent();
            again.get().close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRemovedLockFileIsRecreatedAndTheNextHolderLocksTheNewFile() throws Exception {
        Path lockFile = dir.resolve("y.lock");
        KeyedLocks locks = new KeyedLocks(dir);
        try (KeyedLocks.Held held = locks.lock("y", Duration.ofSeconds(1), "test")) {
            held.removeLockFile();
            assertThat(lockFile).doesNotExist();
            held.removeLockFile(); // idempotent
        }
        try (KeyedLocks.Held again = locks.lock("y", Duration.ofSeconds(1), "test")) {
            assertThat(lockFile).exists();
            assertThat(otherProcessTries(lockFile))
                    .as("the lock is on the file that has the name")
                    .isEqualTo("busy");
        }
    }

    @Test
    void twoInstancesOverOneDirectoryExcludeEachOtherWithoutDroppingTheHoldersFileLock() throws Exception {
        // Two stores over the same root in one JVM (the CLI's store and a bench's, two test fixtures): the second
        // must neither get the key nor, by closing a channel of its own on the file, drop the first one's lock.
        KeyedLocks first = new KeyedLocks(dir);
        KeyedLocks second = new KeyedLocks(dir);
        try (KeyedLocks.Held held = first.lock("k")) {
            assertThat(second.tryLock("k")).as("the other instance, same JVM").isEmpty();
            assertThat(otherProcessTries(dir.resolve("k.lock")))
                    .as("another process after the second instance tried")
                    .isEqualTo("busy");
        }
        assertThat(second.tryLock("k")).hasValueSatisfying(KeyedLocks.Held::close);
    }

    @Test
    void aBoundedWaitEndsUnavailableNamingWhatItWaitedFor() throws Exception {
        KeyedLocks locks = new KeyedLocks(dir);
        try (KeyedLocks.Held held = locks.lock("z")) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Throwable> waiter = pool.submit(() -> {
                    try (KeyedLocks.Held never = locks.lock("z", Duration.ofMillis(200), "blob sha256:zz")) {
                        return null;
                    } catch (StoreException e) {
                        return e;
                    }
                });
                assertThat(waiter.get(30, TimeUnit.SECONDS))
                        .isInstanceOfSatisfying(
                                StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                        .hasMessageContaining("blob sha256:zz");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
