package io.unibloc.blockstore.cow;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.Mounts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The xfs-loop store caches a volume's pages once: under the file inside XFS, not a second time under
 * {@code xfs.img} (issue 19). Real loop device, real XFS, real page cache counted with {@code fincore}.
 */
class XfsLoopDirectIoIT {
    private static final long SIZE = 512L << 20;
    private static final int FILE_MIB = 64;

    private Path dir;
    private CowBackend backend;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("xfs-dio-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (backend != null) {
                backend.close();
            }
        } finally {
            Mounts.unmountIfMounted(dir.resolve("mnt"));
            for (String device : devicesOf(dir.resolve("xfs.img"))) {
                Exec.run(List.of("losetup", "--detach", device));
            }
            Exec.run(List.of("rm", "-rf", dir.toString()));
        }
    }

    @Test
    void theStoreLoopDeviceReadsWithDirectIoAndReadingAVolumeDoesNotCacheXfsImg() throws IOException {
        backend = Backends.open(dir, StoreConfig.Backend.XFS_LOOP, SIZE);
        Path image = dir.resolve("xfs.img");
        List<String> devices = devicesOf(image);
        assertThat(devices).as("one loop device backs the store").hasSize(1);
        assertThat(dio(devices.get(0))).as("/sys/block/<loop>/loop/dio").isEqualTo("1");

        Path chain = backend.dataRoot().resolve("chain.img");
        writeRandom(chain, FILE_MIB);
        Path volume = backend.dataRoot().resolve("volume.img");
        backend.cloneFile(chain, volume);
        Exec.check(List.of("sync"));
        dropCache(image);
        long before = resident(image);

        Exec.check(List.of("dd", "if=" + volume, "of=/dev/null", "bs=1M", "status=none"));

        long grown = resident(image) - before;
        assertThat(resident(volume)).as("the volume's own pages").isGreaterThanOrEqualTo((long) FILE_MIB << 20);
        assertThat(grown)
                .as("xfs.img's resident bytes grew by %d for a %d MiB read", grown, FILE_MIB)
                .isLessThan(((long) FILE_MIB << 20) / 8);
    }

    @Test
    void aStoreMountedTheOldWayIsSwitchedToDirectIoInPlaceAndItsDeviceDetachedOnClose() throws IOException {
        backend = Backends.open(dir, StoreConfig.Backend.XFS_LOOP, SIZE);
        Files.writeString(backend.dataRoot().resolve("kept"), "data");
        backend.close();
        backend = null;
        Path image = dir.resolve("xfs.img");
        Mounts.mountLoop(image, dir.resolve("mnt"), "xfs", "discard"); // how the store mounted before issue 19
        String device = devicesOf(image).get(0);
        assertThat(dio(device)).as("mounted the old way").isEqualTo("0");

        backend = Backends.open(dir, StoreConfig.Backend.XFS_LOOP, SIZE);
        assertThat(dio(device)).as("switched in place").isEqualTo("1");
        assertThat(Files.readString(backend.dataRoot().resolve("kept"))).isEqualTo("data");

        backend.close();
        backend = null;
        assertThat(Mounts.isMounted(dir.resolve("mnt"))).isFalse();
        assertThat(devicesOf(image)).as("autoclear freed the loop device").isEmpty();
    }

    private static List<String> devicesOf(Path image) {
        if (!Files.exists(image)) {
            return List.of();
        }
        Exec.Result result = Exec.run(
                List.of("losetup", "--noheadings", "--raw", "--output", "NAME", "--associated", image.toString()));
        return result.stdout()
                .lines()
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String dio(String device) throws IOException {
        return Files.readString(
                        Path.of("/sys/block", Path.of(device).getFileName().toString(), "loop/dio"))
                .strip();
    }

    private static long resident(Path file) {
        Exec.Result result =
                Exec.run(List.of("fincore", "--bytes", "--noheadings", "--raw", "--output", "RES", file.toString()));
        assertThat(result.ok()).as(result.output()).isTrue();
        return Long.parseLong(result.stdout().strip());
    }

    private static void dropCache(Path file) {
        Exec.check(List.of("dd", "if=" + file, "iflag=nocache", "count=0", "status=none"));
    }

    private static void writeRandom(Path file, int mib) throws IOException {
        Random random = new Random(19);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }
}
