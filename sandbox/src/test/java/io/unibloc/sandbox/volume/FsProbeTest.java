package io.unibloc.sandbox.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.testkit.guest.GuestDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsProbeTest {

    @TempDir
    Path dir;

    private final FsProbe probe = new FsProbe(new ProcessRunner());

    @Test
    void recognisesExtAndVfatImages() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Path ext4 = GuestDisks.ext4(tree, dir.resolve("a.ext4"), 8);
        Path vfat = GuestDisks.vfat(tree, dir.resolve("a.vfat"), 8);

        assertThat(probe.detect(ext4)).isEqualTo(FsFamily.EXT);
        assertThat(probe.detect(vfat)).isEqualTo(FsFamily.VFAT);
    }

    @Test
    void readsTheExtBlockSizeFromTheSuperblock() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Path fourK = GuestDisks.ext4(tree, dir.resolve("4k.ext4"), 8);
        Path oneK = dir.resolve("1k.ext4");
        Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", "-b", "1024", oneK.toString(), "8M")
                .redirectErrorStream(true)
                .start();
        assertThat(mkfs.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && mkfs.exitValue() == 0)
                .isTrue();
        Path vfat = GuestDisks.vfat(tree, dir.resolve("a.vfat"), 8);

        assertThat(probe.extBlockSize(fourK)).isEqualTo(4096);
        assertThat(probe.extBlockSize(oneK)).isEqualTo(1024);
        assertThatThrownBy(() -> probe.extBlockSize(vfat))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("no ext filesystem");
    }

    @Test
    void aCorruptBlockSizeFieldIsAnUnreadableSuperblockNotANegativeBlockSize() throws Exception {
        Path image = GuestDisks.ext4(Files.createDirectories(dir.resolve("tree")), dir.resolve("bad.ext4"), 8);
        try (var file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            file.seek(1024 + 24); // s_log_block_size
            file.write(new byte[] {40, 0, 0, 0});
        }

        assertThatThrownBy(() -> probe.extBlockSize(image))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("unreadable ext superblock on " + image)
                .hasMessageNotContaining("-1-byte");
    }

    @Test
    void anythingElseIsUnknownAndDescribedByBlkid() throws IOException {
        Path zeros = Files.write(dir.resolve("zeros"), new byte[1 << 20]);

        assertThat(probe.detect(zeros)).isEqualTo(FsFamily.UNKNOWN);
        assertThat(probe.describe(zeros)).isEqualTo("raw data");
    }

    @Test
    void aBootSectorSignatureAloneIsNotFat() {
        byte[] mbr = new byte[4096];
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xAA;

        assertThat(FsProbe.detect(mbr, mbr.length)).isEqualTo(FsFamily.UNKNOWN);
        assertThat(FsProbe.detect(new byte[100], 100)).isEqualTo(FsFamily.UNKNOWN);
    }

    @Test
    void anUnreadableDeviceIsAnError() {
        assertThatThrownBy(() -> probe.detect(dir.resolve("missing")))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("missing");
    }
}
