package io.unibloc.testkit.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {

    @TempDir
    Path dir;

    private KernelModules modules() throws IOException {
        Files.writeString(
                dir.resolve("modules.dep"),
                String.join(
                        "\n",
                        "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko",
                        "kernel/lib/crc16.ko:",
                        "kernel/fs/mbcache.ko:",
                        "kernel/fs/jbd2/jbd2.ko:",
                        "kernel/drivers/block/virtio_blk.ko.zst: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko",
                        "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko",
                        "kernel/drivers/virtio/virtio_ring.ko:",
                        "kernel/fs/nls/nls_iso8859-1.ko:",
                        ""));
        Files.writeString(dir.resolve("modules.builtin"), "kernel/crypto/crc32c_generic.ko\n");
        return KernelModules.read(dir);
    }

    @Test
    void dependenciesComeBeforeTheModulesThatNeedThem() throws IOException {
        List<Path> order = modules().loadOrder(List.of("virtio_blk", "ext4"));

        assertThat(order)
                .extracting(path -> dir.relativize(path).toString())
                .containsExactly(
                        "kernel/drivers/virtio/virtio_ring.ko",
                        "kernel/drivers/virtio/virtio.ko",
                        "kernel/drivers/block/virtio_blk.ko.zst",
                        "kernel/lib/crc16.ko",
                        "kernel/fs/mbcache.ko",
                        "kernel/fs/jbd2/jbd2.ko",
                        "kernel/fs/ext4/ext4.ko");
    }

    @Test
    void eachModuleIsLoadedOnceAndBuiltInOnesNotAtAll() throws IOException {
        List<Path> order = modules().loadOrder(List.of("virtio", "virtio_blk", "crc32c_generic", "virtio_ring"));

        assertThat(order)
                .extracting(path -> path.getFileName().toString())
                .containsExactly("virtio_ring.ko", "virtio.ko", "virtio_blk.ko.zst");
    }

    @Test
    void dashesAndUnderscoresNameTheSameModule() throws IOException {
        assertThat(modules().loadOrder(List.of("nls_iso8859_1"))).hasSize(1);
        assertThat(KernelModules.name("kernel/fs/nls/nls_iso8859-1.ko.xz")).isEqualTo("nls_iso8859_1");
    }

    @Test
    void anUnknownModuleIsNamedInTheError() throws IOException {
        KernelModules modules = modules();

        assertThatThrownBy(() -> modules.loadOrder(List.of("btrfs")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("btrfs")
                .hasMessageContaining("modules.dep");
    }
}
