package io.unibloc.blockstore.chain;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.cow.Backends;
import io.unibloc.blockstore.cow.CowBackend;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.layers.LayerLimits;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.blockstore.metrics.StoreMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A chain builder over a real XFS-loop store in a fresh /tmp directory; close unmounts and deletes it. */
final class ChainFixture implements AutoCloseable {
    final Path dir;
    final CowBackend backend;
    final ChainRepository repository;
    final KeyedLocks locks;
    final Intents intents;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ChainBuilder builder;

    ChainFixture(LayerLimits limits) throws Exception {
        dir = Files.createTempDirectory("chain-it-");
        backend = Backends.open(dir, StoreConfig.Backend.XFS_LOOP, 1L << 30);
        repository = new ChainRepository(backend.dataRoot());
        locks = new KeyedLocks(dir.resolve("locks"));
        intents = new Intents(backend.dataRoot());
        builder = new ChainBuilder(repository, locks, intents, backend, limits, new StoreMetrics(meters));
    }

    double misses(String fs) {
        var counter = meters.find("unibloc.chain.cache")
                .tag("fs", fs)
                .tag("result", "miss")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    long tmpEntries() throws Exception {
        try (Stream<Path> s = Files.list(repository.tmpDir())) {
            return s.count();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            for (String point : Mounts.mountPoints()) {
                if (point.startsWith(dir.toString() + "/mnt/")) {
                    Mounts.unmount(Path.of(point));
                }
            }
            backend.close();
            Mounts.unmountIfMounted(dir.resolve("mnt"));
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
