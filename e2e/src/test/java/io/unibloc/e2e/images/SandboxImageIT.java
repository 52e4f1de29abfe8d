package io.unibloc.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox image boots the Linux test guest from a loop device handed in with {@code --device}, as the operator's
 * Pods get their volume, and exits with the guest's status. Prints the image size and the time from the container's
 * first command to the exec of QEMU (JVM start, spec, plan, privilege drop), measured inside the container.
 */
@ExtendWith(ImageSmoke.class)
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class SandboxImageIT {
    /** Debian's disk group, which owns block devices on nodes with udev. */
    private static final int DISK_GID = 6;
    /** Start and exec stamps, written by a shell wrapper in front of the entrypoint and one in front of QEMU. */
    private static final String QEMU_WRAPPER = """
            #!/bin/sh
            date +%s%N >> /smoke/exec
            exec qemu-system-x86_64 "$@"
            """;

    @TempDir
    Path dir;

    /**
     * The image's AppCDS archive is there and used with the entrypoint's own options: every class the launcher loads
     * on a start to its VMM (its own, Jackson's streaming parser, slf4j) comes from the archive's top (dynamic) layer,
     * and the JVM accepts it with {@code -Xshare:on}, which refuses to start without a usable archive.
     */
    @Test
    void theLauncherStartsFromTheImagesAppCdsArchive(BuiltImages images) throws Exception {
        List<String> start = List.of(
                "--network",
                "none",
                "-e",
                BootSpecReader.ENV_VAR
                        + "={\"guest\":\"multiboot\",\"kernelHostPath\":\"/opt/unibloc/sandbox/sandbox.jar\","
                        + "\"rootDevice\":\"/dev/null\"}",
                "-e",
                "UNIBLOC_QEMU=/bin/true");
        List<String> logged = new ArrayList<>(start);
        // Added to the entrypoint's options, not replacing them: the production command line, with class loading shown.
        logged.addAll(List.of("-e", "JAVA_TOOL_OPTIONS=-Xlog:class+load=info:stdout", images.reference("sandbox")));
        logged.addAll(List.of("--accel", "tcg"));
        Podman.Result run = images.podman().runContainer(logged, Duration.ofMinutes(2));

        assertThat(run.code()).as(run.describe()).isZero();
        List<String> ours = run.stdout()
                .lines()
                .filter(l -> l.contains("[class,load] io.unibloc.")
                        || l.contains("[class,load] com.fasterxml.jackson.core.")
                        || l.contains("[class,load] org.slf4j."))
                .toList();
        assertThat(ours)
                .as("the launcher's classes")
                .hasSizeGreaterThan(50)
                .allSatisfy(l -> assertThat(l).endsWith("source: shared objects file (top)"));
        assertThat(run.stdout()).doesNotContain("com.fasterxml.jackson.databind.");

        List<String> strict = new ArrayList<>(start);
        strict.addAll(List.of(
                "-e",
                "UNIBLOC_JAVA_OPTS=@/opt/unibloc/sandbox/jvm.options"
                        + " -XX:SharedArchiveFile=/opt/unibloc/sandbox/sandbox.jsa -Xshare:on",
                images.reference("sandbox"),
                "--accel",
                "tcg"));
        Podman.Result shared = images.podman().runContainer(strict, Duration.ofMinutes(2));
        assertThat(shared.code()).as(shared.describe()).isZero();
    }

    @Test
    void bootsTheTestGuestFromALoopDevicePassedWithDevice(BuiltImages images) throws Exception {
        TestGuest guest = TestGuest.prepare();
        String marker = "sandbox-image-marker-" + UUID.randomUUID();
        Path tree = GuestRootfs.builder()
                .busybox(false)
                .file("/marker", marker + "\n", 0644)
                .writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        Path disk = GuestDisks.vfat(tree, dir.resolve("root.vfat"), 64);
        Path smoke = Files.createDirectories(dir.resolve("smoke"));
        Files.writeString(smoke.resolve("qemu"), QEMU_WRAPPER);
        Files.setPosixFilePermissions(smoke.resolve("qemu"), PosixFilePermissions.fromString("rwxr-xr-x"));
        // The launcher drops to uid 65532; the stamps must be writable for it.
        Files.setPosixFilePermissions(smoke, PosixFilePermissions.fromString("rwxrwxrwx"));
        String spec = new BootSpecReader()
                .write(BootSpec.builder()
                        .kernel(TestGuest.KERNEL_IN_ROOT)
                        .initrd(TestGuest.INITRD_IN_ROOT)
                        .build());

        String loop = HostMounts.check(List.of("losetup", "--find", "--show", disk.toString()))
                .stdout()
                .trim();
        // As udev leaves block devices on a node: group disk, 0660 (a host without udev has them root-only, and
        // the entrypoint then rightly stays root). Put back afterwards.
        String mode = HostMounts.check(List.of("stat", "-c", "%a %u:%g", loop))
                .stdout()
                .trim();
        HostMounts.check(List.of("chown", "0:" + DISK_GID, loop));
        HostMounts.check(List.of("chmod", "0660", loop));
        Podman.Result run;
        try {
            run = images.podman()
                    .runContainer(
                            List.of(
                                    "--network",
                                    "none",
                                    "--device",
                                    loop + ":/dev/unibloc-root",
                                    "-v",
                                    smoke + ":/smoke",
                                    "-e",
                                    BootSpecReader.ENV_VAR + "=" + spec,
                                    "-e",
                                    "UNIBLOC_QEMU=/smoke/qemu",
                                    "--entrypoint",
                                    "/bin/sh",
                                    images.reference("sandbox"),
                                    "-c",
                                    "date +%s%N > /smoke/start; exec /opt/unibloc/entrypoint.sh --accel tcg"),
                            Duration.ofMinutes(5));
        } finally {
            HostMounts.check(List.of("chown", mode.substring(mode.indexOf(' ') + 1), loop));
            HostMounts.check(List.of("chmod", mode.substring(0, mode.indexOf(' ')), loop));
            HostMounts.check(List.of("losetup", "-d", loop));
        }

        assertThat(run.code()).as(run.describe()).isZero();
        assertThat(run.stdout().lines())
                .as(run.describe())
                .containsSubsequence(
                        TestGuest.LINE_PREFIX + "mounted /dev/vda vfat rw",
                        TestGuest.LINE_PREFIX + "marker /marker:",
                        marker,
                        TestGuest.LINE_PREFIX + "exit 0");
        assertThat(run.stderr())
                .as("the launcher dropped to its own user, with the device's group")
                .doesNotContain("staying root");
        long start = Long.parseLong(Files.readString(smoke.resolve("start")).trim());
        List<String> execs = Files.readAllLines(smoke.resolve("exec"));
        long exec = Long.parseLong(execs.get(execs.size() - 1).trim());
        System.out.printf(
                "IMAGES sandbox: %.1f MB (target <= 300 MB), container start -> QEMU exec %d ms (target <= 700 ms),"
                        + " podman run to guest exit %d ms%n",
                images.sizes().get("sandbox") / 1e6,
                (exec - start) / 1_000_000,
                run.took().toMillis());
    }
}
