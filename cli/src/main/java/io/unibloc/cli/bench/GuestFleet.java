package io.unibloc.cli.bench;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.sandbox.runtime.RunningGuest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The guests, volumes and overlays of one sample, torn down together exactly once: when the sample ends, when it
 * fails, and from a shutdown hook on Ctrl-C (the sandbox's own hook kills a VMM the JVM leaves behind, but only this
 * one knows the volumes). Guests are asked to power off, then killed after the grace period; only then are their
 * volumes detached (a loop device QEMU still holds cannot go) and deleted.
 */
final class GuestFleet implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final BlockStore store;
    private final Path overlayDir;
    private final List<String> volumes = new ArrayList<>();
    private final List<RunningGuest> guests = new ArrayList<>();
    private final Thread hook;
    private boolean closed;

    GuestFleet(BlockStore store, Path overlayDir) {
        this.store = store;
        this.overlayDir = overlayDir;
        this.hook = new Thread(this::tearDown, "bench-guests-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Where guest {@code i}'s ephemeral root overlay goes. */
    Path overlay(int i) {
        return overlayDir.resolve("guest-" + i + ".qcow2");
    }

    /** Records a volume before it is created, so a create that fails halfway is removed as well. */
    synchronized void volume(String id) {
        volumes.add(id);
    }

    synchronized void guest(RunningGuest guest) {
        guests.add(guest);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) tearDown, which waits for this one's lock
        }
        tearDown();
    }

    private synchronized void tearDown() {
        if (closed) {
            return;
        }
        closed = true;
        guests.forEach(g -> g.stop(GRACE));
        for (RunningGuest g : guests) {
            try {
                g.awaitExit();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // awaitExit killed the VMM
            } catch (RuntimeException e) {
                System.err.println("bench: guest " + g.pid() + " did not end cleanly: " + e.getMessage());
            }
        }
        for (String id : volumes) {
            try {
                if (store.findVolume(id).isPresent()) {
                    store.detach(id);
                    store.deleteVolume(id);
                }
            } catch (RuntimeException e) {
                System.err.println("bench: cannot remove volume " + id + ": " + e.getMessage());
            }
        }
        if (Files.isDirectory(overlayDir)) {
            try (Stream<Path> files = Files.walk(overlayDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("bench: cannot remove " + overlayDir + ": " + e.getMessage());
            }
        }
    }
}
