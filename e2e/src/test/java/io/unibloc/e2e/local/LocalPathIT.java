package io.unibloc.e2e.local;

import static io.unibloc.testkit.guest.TestGuest.LINE_PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import csi.v1.Csi;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.sandbox.Sandbox;
import io.unibloc.sandbox.SandboxException;
import io.unibloc.sandbox.SandboxOptions;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.sandbox.spec.ImageMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The local path end to end, each test as kubelet would drive one Pod's volume: registry → BlockVolume record
 * → csi-node reconciler (real block store, real loop devices) → NodeStageVolume / NodePublishVolume over the
 * plugin's UNIX socket → the sandbox boots the Linux test guest under TCG with the published target path as its
 * root device → the guest reports what it sees → NodeUnpublish / NodeUnstage / record deleted → nothing left.
 *
 * <p>One node (registry, mock API server, store, plugin) serves the whole class; four QEMU boots in all. The
 * tests run in order so that the first one pays for the pull and chain builds and the figures printed at the
 * end show cold and warm volumes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LocalPathIT {
    private static final long EXT4_BYTES = 256L << 20;

    private LocalNode node;
    private Sandbox sandbox;
    private final List<String> figures = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startNode() throws Exception {
        node = LocalNode.start();
        sandbox = new Sandbox(SandboxOptions.defaults().withAccel(Accel.TCG).withWorkRoot(node.sandboxWorkDir));
    }

    @AfterAll
    void stopNode() throws Exception {
        figures.forEach(line -> System.out.println("E2E-LOCAL " + line));
        if (node != null) {
            node.close();
        }
    }

    /** What kubelet asks when the plugin registers, before any volume: name, readiness, node id and topology. */
    @Test
    @Order(0)
    void pluginRegistersAsKubeletExpects() {
        assertThat(node.kubelet
                        .identity()
                        .getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance())
                        .getName())
                .isEqualTo(CsiNames.DRIVER_NAME);
        await("Probe ready")
                .atMost(Duration.ofSeconds(30))
                .until(() -> node.kubelet
                        .identity()
                        .probe(Csi.ProbeRequest.getDefaultInstance())
                        .getReady()
                        .getValue());
        Csi.NodeGetInfoResponse info = node.kubelet.node().nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance());
        assertThat(info.getNodeId()).isEqualTo(LocalNode.NODE_ID);
        assertThat(info.getAccessibleTopology().getSegmentsMap())
                .containsEntry(CsiNames.TOPOLOGY_KEY, LocalNode.NODE_ID);
        assertThat(node.kubelet
                        .node()
                        .nodeGetCapabilities(Csi.NodeGetCapabilitiesRequest.getDefaultInstance())
                        .getCapabilitiesList())
                .extracting(c -> c.getRpc().getType())
                .contains(Csi.NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME);
    }

    /**
     * ext4, writable: the guest sees the marker only the top layer has, the base layer's files, not the paths the
     * top layer whited out; its write reaches the volume; power-off is exit 0.
     */
    @Test
    @Order(1)
    void ext4VolumeBootsTheMergedImageAndKeepsTheGuestsWrite() throws Exception {
        try (PodVolume volume = PodVolume.provision(node, "ext4", EXT4_BYTES)) {
            volume.stageAndPublish(false);
            Csi.NodeGetVolumeStatsResponse stats = node.kubelet.volumeStats(volume.id(), volume.podUid());
            assertThat(stats.getUsage(0).getTotal())
                    .as("NodeGetVolumeStats total")
                    .isEqualTo(EXT4_BYTES);

            String written = "written-by-the-guest-" + UUID.randomUUID();
            BootSpec spec = bootSpec(volume).toBuilder()
                    .putEnv("WRITE_TEXT", written)
                    .args(List.of("write"))
                    .build();
            GuestBoot boot = GuestBoot.run(sandbox, spec, "ext4");
            figures.add(volume.timings() + " " + boot.timings());

            assertThat(boot.console())
                    .containsSubsequence(
                            LINE_PREFIX + "mounted /dev/vda ext4 rw",
                            "app: marker=" + node.image.marker(),
                            "app: base=" + LayeredGuestImage.BASE_TEXT,
                            "app: " + LayeredGuestImage.WHITED_OUT_FILE + " gone",
                            "app: " + LayeredGuestImage.WHITED_OUT_DIR + " gone",
                            "app: write ok",
                            "app: done",
                            LINE_PREFIX + "exit 0");
            assertThat(boot.result().exit()).isEqualTo(new GuestExit.PoweredOff());
            assertThat(boot.result().exitCode()).isZero();
            assertThat(boot.result().firstConsoleLine()).isPresent();
            HostState.Output file = HostState.run(
                    List.of("debugfs", "-R", "cat /app/written", volume.target().toString()), Map.of());
            assertThat(file.text()).as("/app/written read back from the volume").contains(written);

            volume.tearDown();
        }
    }

    /** The same image as a vfat volume: the sandbox reads the kernel with mtools, the guest mounts and writes FAT. */
    @Test
    @Order(2)
    void vfatVolumeBootsAndTheGuestReadsAndWritesIt() throws Exception {
        try (PodVolume volume = PodVolume.provision(node, "vfat", 0)) {
            volume.stageAndPublish(false);
            String written = "vfat-write-" + UUID.randomUUID();
            BootSpec spec = bootSpec(volume).toBuilder()
                    .putEnv("WRITE_TEXT", written)
                    .args(List.of("write"))
                    .build();
            GuestBoot boot = GuestBoot.run(sandbox, spec, "vfat");
            figures.add(volume.timings() + " " + boot.timings());

            assertThat(boot.console())
                    .containsSubsequence(
                            LINE_PREFIX + "mounted /dev/vda vfat rw",
                            "app: marker=" + node.image.marker(),
                            "app: base=" + LayeredGuestImage.BASE_TEXT,
                            "app: " + LayeredGuestImage.WHITED_OUT_FILE + " gone",
                            "app: " + LayeredGuestImage.WHITED_OUT_DIR + " gone",
                            "app: write ok",
                            "app: done",
                            LINE_PREFIX + "exit 0");
            assertThat(boot.result().exitCode()).isZero();
            HostState.Output file = HostState.run(
                    List.of("mtype", "-i", volume.target().toString(), "::/app/written"),
                    Map.of("MTOOLS_SKIP_CHECK", "1"));
            assertThat(file.text())
                    .as("/app/written read back from the FAT volume")
                    .contains(written);

            volume.tearDown();
        }
    }

    /**
     * A ConfigMap key mounted into the sandbox container under {@code /run/unibloc/files/0/} and named in the boot
     * spec JSON the operator writes ({@code UNIBLOC_BOOT_SPEC}): the sandbox projects it into the volume before
     * boot and the guest reads it with the mode asked for.
     */
    @Test
    @Order(3)
    void configMapFileProjectedByTheSandboxIsReadByTheGuest() throws Exception {
        try (PodVolume volume = PodVolume.provision(node, "ext4", EXT4_BYTES)) {
            volume.stageAndPublish(false);
            String content = "configmap-value-" + UUID.randomUUID();
            Path source = node.dir.resolve("run/unibloc/files/0/app.conf");
            Files.createDirectories(source.getParent());
            Files.writeString(source, content);

            Map<String, Object> json = new LinkedHashMap<>();
            json.put("vmm", "qemu");
            json.put("machine", "microvm");
            json.put("guest", "linux");
            json.put("kernel", node.image.labels().get(ImageMetadata.KERNEL));
            json.put("initrd", node.image.labels().get(ImageMetadata.INITRD));
            json.put("cmdline", node.image.labels().get(ImageMetadata.CMDLINE));
            json.put("vcpus", 1);
            json.put("memoryMiB", 256);
            json.put("rootDevice", volume.target().toString());
            json.put("readOnly", false);
            json.put("files", List.of(Map.of("source", source.toString(), "target", "/etc/app.conf", "mode", 0640)));
            BootSpec spec = new BootSpecReader()
                    .readEnvironment(Map.of(BootSpecReader.ENV_VAR, new ObjectMapper().writeValueAsString(json)));
            GuestBoot boot = GuestBoot.run(sandbox, spec, "configmap");
            figures.add(volume.timings() + " " + boot.timings());

            assertThat(boot.console())
                    .containsSubsequence(
                            LINE_PREFIX + "mounted /dev/vda ext4 rw",
                            "app: marker=" + node.image.marker(),
                            "app: projected=" + content + " mode=640",
                            "app: done",
                            LINE_PREFIX + "exit 0");
            assertThat(boot.result().exitCode()).isZero();

            volume.tearDown();
        }
    }

    /**
     * Published read-only (a Pod's {@code readOnly: true}): the plugin stacks a read-only loop device on the
     * staged one, the sandbox refuses to hand it out writable, and a guest booted with {@code readOnly} can
     * neither write a file, remount read-write nor write the raw device; the device's bytes are unchanged.
     */
    @Test
    @Order(4)
    void readOnlyPublishedVolumeCannotBeWrittenByTheGuest() throws Exception {
        try (PodVolume volume = PodVolume.provision(node, "ext4", EXT4_BYTES)) {
            volume.stageAndPublish(true);
            String overlay = volume.overlayDevice()
                    .orElseThrow(
                            () -> new AssertionError("no read-only loop device stacked on " + volume.stagedDevice()));
            assertThat(Files.readString(Path.of(
                                    "/sys/block", Path.of(overlay).getFileName().toString(), "ro"))
                            .strip())
                    .as("kernel read-only flag of %s", overlay)
                    .isEqualTo("1");
            String before = sha256(Path.of(volume.stagedDevice()));

            assertThatThrownBy(() -> sandbox.start(bootSpec(volume), line -> {}))
                    .as("a writable boot of a read-only published volume")
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("read-only");

            BootSpec spec = bootSpec(volume).toBuilder()
                    .readOnly(true)
                    .putEnv("WRITE_TEXT", "must-not-land")
                    .args(List.of("write", "remount", "rawwrite"))
                    .build();
            GuestBoot boot = GuestBoot.run(sandbox, spec, "read-only");
            figures.add(volume.timings() + " " + boot.timings());

            assertThat(boot.console())
                    .containsSubsequence(
                            LINE_PREFIX + "mounted /dev/vda ext4 ro",
                            "app: marker=" + node.image.marker(),
                            "app: write refused",
                            "app: remount refused",
                            "app: raw write refused",
                            "app: done",
                            LINE_PREFIX + "exit 0");
            assertThat(boot.result().exitCode()).isZero();
            assertThat(sha256(Path.of(volume.stagedDevice())))
                    .as("sha256 of %s after the guest", volume.stagedDevice())
                    .isEqualTo(before);
            assertThat(sha256(volume.target()))
                    .as("sha256 of the published target")
                    .isEqualTo(before);

            volume.tearDown();
        }
    }

    /** The boot spec the operator derives from the image's labels, with the published target as root device. */
    private BootSpec bootSpec(PodVolume volume) {
        return ImageMetadata.applyTo(
                node.image.labels(),
                BootSpec.builder().rootDevice(volume.target().toString()).build());
    }

    private static String sha256(Path device) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(device)) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
