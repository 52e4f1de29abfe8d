package io.unibloc.e2e.local;

import io.unibloc.sandbox.Sandbox;
import io.unibloc.sandbox.SandboxException;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.runtime.RunningGuest;
import io.unibloc.sandbox.spec.BootSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Boots one guest through the sandbox and waits a bounded time for it to end; a guest that overruns is killed
 * and the test fails with its console so far. The console is echoed to stdout with the volume's name.
 *
 * @param result how the guest ended
 * @param console every console line, in order
 */
record GuestBoot(RunResult result, List<String> console) {
    static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);

    static GuestBoot run(Sandbox sandbox, BootSpec spec, String name) throws SandboxException, InterruptedException {
        List<String> console = new CopyOnWriteArrayList<>();
        RunningGuest guest = sandbox.start(spec, line -> {
            console.add(line);
            System.out.println("[" + name + "] " + line);
        });
        CompletableFuture<RunResult> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return guest.awaitExit();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for guest " + name, e);
            }
        });
        try {
            return new GuestBoot(exit.get(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), List.copyOf(console));
        } catch (TimeoutException e) {
            guest.kill();
            awaitQuietly(exit);
            throw new AssertionError("guest " + name + " did not end within " + BOOT_TIMEOUT + "; killed it. Console:\n"
                    + String.join("\n", console));
        } catch (ExecutionException e) {
            guest.kill();
            throw new AssertionError("waiting for guest " + name + " failed", e.getCause());
        } catch (InterruptedException e) {
            guest.kill();
            awaitQuietly(exit);
            throw e;
        }
    }

    private static void awaitQuietly(CompletableFuture<RunResult> exit) {
        try {
            exit.get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // The VMM was killed; its work directory goes with awaitExit, which we gave its chance.
        }
    }

    /** {@code first console line=..ms guest=..ms exit=N (how)} */
    String timings() {
        return "firstConsoleLine="
                + result.firstConsoleLine().map(d -> d.toMillis() + "ms").orElse("-")
                + " guest=" + result.runtime().toMillis() + "ms exit=" + result.exitCode() + " ("
                + result.exit().describe()
                + ", " + result.accel().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
