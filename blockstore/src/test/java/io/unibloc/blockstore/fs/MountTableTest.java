package io.unibloc.blockstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
    @Test
    void parsesDeviceBindsAndEscapes() {
        List<MountTable.Mount> mounts = MountTable.parse(List.of(
                "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
                "120 29 0:5 /loop3 /var/lib/kubelet/plugins/publish/pvc-1/pod\\040a rw,relatime shared:2 - devtmpfs udev rw,size=4k",
                "121 29 0:5 / /dev rw,nosuid - devtmpfs udev rw",
                "garbage line"));
        assertThat(mounts).hasSize(3);
        assertThat(mounts.get(1).mountPoint()).isEqualTo(Path.of("/var/lib/kubelet/plugins/publish/pvc-1/pod a"));
        assertThat(mounts.get(1).isDeviceBind()).isTrue();
        assertThat(mounts.get(1).root()).isEqualTo("/loop3");
        assertThat(mounts.get(2).isDeviceBind())
                .as("/dev itself is not a device bind")
                .isFalse();
        assertThat(mounts.get(0).fsType()).isEqualTo("ext3");
        assertThat(mounts.get(0).isDeviceBind()).isFalse();
    }

    @Test
    void readsThisProcessTable() {
        assertThat(MountTable.read()).anyMatch(m -> m.mountPoint().equals(Path.of("/")));
        assertThat(MountTable.at(Path.of("/proc"))).isPresent();
        assertThat(MountTable.at(Path.of("/surely/not/a/mount"))).isEmpty();
    }
}
