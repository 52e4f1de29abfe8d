package io.unibloc.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.spec.ImageMetadata;
import io.unibloc.types.FsType;
import io.unibloc.types.Vmm;
import io.unibloc.types.WriteMode;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code unibloc run} boots when {@code --write-mode} is absent (issue 19: density by default). */
class RunWriteModeTest {
    private static final ImageReference IMAGE =
            ImageReference.parse("registry.example.com/app@sha256:" + "ab".repeat(32));

    private static WriteMode resolve(BootSpec.Builder guest, Map<String, String> labels) {
        return RunCommand.writeMode(null, Optional.empty(), ImageMetadata.applyTo(labels, guest.build()));
    }

    @Test
    void aGuestOnTheDefaultVmmIsEphemeral() {
        assertThat(resolve(BootSpec.builder(), Map.of())).isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void aWritableGuestOnAnotherVmmIsPersistentWhetherTheOptionOrTheImageNamesIt() {
        assertThat(resolve(BootSpec.builder().vmm(Vmm.FIRECRACKER), Map.of())).isEqualTo(WriteMode.PERSISTENT);
        assertThat(resolve(BootSpec.builder(), Map.of("io.unibloc.vmm", "cloud-hypervisor")))
                .isEqualTo(WriteMode.PERSISTENT);
    }

    @Test
    void aReadOnlyGuestNeedsNoOverlaySoItIsEphemeralOnEveryVmm() {
        assertThat(resolve(BootSpec.builder().vmm(Vmm.FIRECRACKER).readOnly(true), Map.of()))
                .isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void filesGoIntoTheOverlaySoTheyKeepTheDefault() {
        assertThat(resolve(BootSpec.builder().addFile(new FileProjection("/tmp/a", "/etc/a", null)), Map.of()))
                .isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void theOptionWinsAndANamedVolumeKeepsItsOwnMode() {
        BootSpec guest = BootSpec.builder().build();
        assertThat(RunCommand.writeMode(WriteMode.PERSISTENT, Optional.empty(), guest))
                .isEqualTo(WriteMode.PERSISTENT);
        BlockStore.Volume made = new BlockStore.Volume(
                "keeper", IMAGE, FsType.EXT4, 64L << 20, false, "chain", Optional.empty(), WriteMode.PERSISTENT);
        assertThat(RunCommand.writeMode(null, Optional.of(made), guest))
                .as("a volume made persistent (the earlier default) boots again as it is")
                .isEqualTo(WriteMode.PERSISTENT);
    }
}
