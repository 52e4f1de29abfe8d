package io.unibloc.blockstore.content;

import static org.assertj.core.api.Assertions.assertThat;

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

class DigestLockTest {
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
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> waiter;
            try (DigestLock held = DigestLock.acquire(lockFile, Duration.ofSeconds(1), "test")) {
                waiter = pool.submit(() -> {
                    try (DigestLock second = DigestLock.acquire(lockFile, Duration.ofSeconds(60), "test")) {
                        return "second";
                    }
                });
                Thread.sleep(200); // let the waiter poll many times
                assertThat(DigestLock.tryAcquire(lockFile))
                        .as("same JVM while held")
                        .isEmpty();
                assertThat(otherProcessTries(lockFile))
                        .as("another process while thread A holds and B waits")
                        .isEqualTo("busy");
                assertThat(waiter.isDone()).isFalse();
            }
            assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo("second");
            assertThat(otherProcessTries(lockFile))
                    .as("after everyone released")
                    .isEqualTo("got");
            Optional<DigestLock> again = DigestLock.tryAcquire(lockFile);
            assertThat(again).isPresent();
            again.get().close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRemovedLockFileIsRecreatedAndTheNextHolderLocksTheNewFile() throws Exception {
        Path lockFile = dir.resolve("y.lock");
        try (DigestLock held = DigestLock.acquire(lockFile, Duration.ofSeconds(1), "test")) {
            held.removeLockFile();
            assertThat(lockFile).doesNotExist();
            held.removeLockFile(); // idempotent
        }
        try (DigestLock again = DigestLock.acquire(lockFile, Duration.ofSeconds(1), "test")) {
            assertThat(lockFile).exists();
            assertThat(otherProcessTries(lockFile))
                    .as("the lock is on the file that has the name")
                    .isEqualTo("busy");
        }
    }
}
