package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.volume.VolumeException;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Planning against image files standing in for block devices. */
class LaunchPlannerTest {

    @TempDir
    Path dir;

    private final AtomicInteger probes = new AtomicInteger();
    private LaunchPlanner planner;
    private Path work;
    private Path image;

    @BeforeEach
    void setUp() throws IOException {
        planner = new LaunchPlanner(
                new ProcessRunner(),
                () -> {
                    probes.incrementAndGet();
                    return Accel.TCG;
                },
                OptionalLong.of(1000));
        work = Files.createDirectories(dir.resolve("work"));
        Path tree = Files.createDirectories(dir.resolve("tree/boot"));
        Files.writeString(tree.resolve("vmlinuz"), "kernel");
        Files.writeString(tree.resolve("initrd.img"), "initrd");
        image = GuestDisks.ext4(dir.resolve("tree"), dir.resolve("root.ext4"), 16);
    }

    private BootSpec.Builder spec() {
        return BootSpec.builder()
                .kernel("/boot/vmlinuz")
                .initrd("/boot/initrd.img")
                .rootDevice(image.toString());
    }

    @Test
    void readsKernelAndInitrdOutOfTheVolumeAndComposesTheBoot() throws IOException {
        LaunchPlan plan = planner.plan(spec().vcpus(2).build().resolve(), work);

        assertThat(plan.kernel()).isEqualTo(work.resolve("kernel")).hasContent("kernel");
        assertThat(plan.initrd()).isEqualTo(work.resolve("initrd")).hasContent("initrd");
        assertThat(plan.accel()).isEqualTo(Accel.TCG);
        assertThat(plan.kernelCmdline())
                .isEqualTo("console=ttyS0 root=/dev/vda rw panic=1 edd=off pci=off tsc_early_khz=1000");
        assertThat(plan.disks()).containsExactly(new Disk(image, false, false));
        assertThat(plan.vcpus()).isEqualTo(2);
        assertThat(plan.controlSocket()).isEqualTo(work.resolve("control.sock"));
        assertThat(probes).hasValue(1);
    }

    @Test
    void projectsFilesBeforeBoot() throws IOException {
        Path source = Files.writeString(dir.resolve("app.conf"), "configured");

        planner.plan(
                spec().addFile(new FileProjection(source.toString(), "/etc/app.conf", null))
                        .build()
                        .resolve(),
                work);

        Path back = dir.resolve("back");
        new io.unibloc.sandbox.volume.ExtFiles(new ProcessRunner(), dir).extract(image, "/etc/app.conf", back);
        assertThat(back).hasContent("configured");
    }

    /**
     * A file projected onto the kernel's and initrd's paths is what boots in both write modes: a persistent root gets
     * it written into the device, an ephemeral one only into the guest's overlay, never into the shared device.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"persistent", "ephemeral"})
    void aFileProjectedOntoTheKernelIsTheKernelThatBoots(String writeMode) throws IOException {
        Path kernel = Files.writeString(dir.resolve("projected-kernel"), "projected kernel");
        Path initrd = Files.writeString(dir.resolve("projected-initrd"), "projected initrd");
        Path overlay = writeMode.equals("ephemeral") ? dir.resolve("root.qcow2") : null;

        LaunchPlan plan = planner.plan(
                spec().addFile(new FileProjection(kernel.toString(), "/boot/vmlinuz", null))
                        .addFile(new FileProjection(initrd.toString(), "/boot/initrd.img", null))
                        .build()
                        .resolve(),
                work,
                () -> Accel.TCG,
                overlay);

        assertThat(plan.kernel()).hasContent("projected kernel");
        assertThat(plan.initrd()).hasContent("projected initrd");
        if (overlay != null) {
            assertThat(plan.disks().get(0).path()).isEqualTo(overlay);
            Path back = dir.resolve("device-kernel");
            new io.unibloc.sandbox.volume.ExtFiles(new ProcessRunner(), dir).extract(image, "/boot/vmlinuz", back);
            assertThat(back).as("the shared device keeps the image's kernel").hasContent("kernel");
        }
    }

    @Test
    void hostFilesAreUsedInPlace() throws IOException {
        Path kernel = Files.writeString(dir.resolve("host-kernel"), "host");
        Path raw = Files.write(dir.resolve("raw.img"), new byte[1 << 20]);

        LaunchPlan plan = planner.plan(
                BootSpec.builder()
                        .kernelHostPath(kernel.toString())
                        .rootDevice(raw.toString())
                        .build()
                        .resolve(),
                work);

        assertThat(plan.kernel()).isEqualTo(kernel);
        assertThat(plan.initrd()).isNull();
        try (var files = Files.list(work)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aRawVolumeNeedsAHostKernel() throws IOException {
        Path raw = Files.write(dir.resolve("raw.img"), new byte[1 << 20]);

        assertThatThrownBy(() -> planner.plan(
                        spec().rootDevice(raw.toString()).initrd(null).build().resolve(), work))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining(raw.toString())
                .hasMessageContaining("raw data")
                .hasMessageContaining("kernelHostPath")
                .hasMessageContaining("/boot/vmlinuz");
    }

    @Test
    void missingDevicesAndFilesAreNamed() throws IOException {
        assertThatThrownBy(() -> planner.plan(
                        spec().rootDevice("/dev/unibloc-nothing").build().resolve(), work))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("root device /dev/unibloc-nothing does not exist");
        assertThatThrownBy(() -> planner.plan(
                        spec().extraDevices(List.of("/dev/unibloc-data"))
                                .build()
                                .resolve(),
                        work))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("extra device /dev/unibloc-data does not exist");
        assertThatThrownBy(() -> planner.plan(
                        spec().kernel(null).kernelHostPath("/no/kernel").build().resolve(), work))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("/no/kernel");
        assertThatThrownBy(() ->
                        planner.plan(spec().kernel("/boot/missing").build().resolve(), work))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("/boot/missing does not exist");
    }

    @Test
    void extraDevicesFollowTheRootInOrder() throws IOException {
        Path data = Files.write(dir.resolve("data.img"), new byte[4096]);

        LaunchPlan plan = planner.plan(
                spec().extraDevices(List.of(data.toString())).build().resolve(), work);

        assertThat(plan.disks()).extracting(Disk::path).containsExactly(image, data);
    }

    @Test
    void otherVmmsDoNotProbeKvm() throws IOException {
        LaunchPlan plan = planner.plan(spec().vmm(Vmm.FIRECRACKER).build().resolve(), work);

        assertThat(plan.accel()).isEqualTo(Accel.KVM);
        assertThat(probes).hasValue(0);
    }

    @Test
    void previewTouchesNothing() {
        LaunchPlan plan = planner.preview(
                spec().rootDevice("/dev/unibloc-root")
                        .machine(Machine.PC)
                        .build()
                        .resolve(),
                work,
                Accel.KVM);

        assertThat(plan.kernel()).isEqualTo(work.resolve("kernel"));
        assertThat(plan.accel()).isEqualTo(Accel.KVM);
        assertThat(plan.kernelCmdline()).isEqualTo("console=ttyS0 root=/dev/vda rw panic=1 edd=off");
        assertThat(probes).hasValue(0);
    }
}
