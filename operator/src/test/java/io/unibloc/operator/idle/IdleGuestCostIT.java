package io.unibloc.operator.idle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.operator.pod.PodFactory;
import io.unibloc.operator.pod.PodSettings;
import io.unibloc.registry.pin.PinnedImage;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.sandbox.Main;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an idle guest costs once it runs, measured on the real sandbox (its entry point as a separate process, as the
 * container runtime runs it) booting the Linux test guest under TCG, which then waits doing nothing:
 * <ul>
 *   <li><b>probes</b>: the sandbox container as {@link PodFactory} builds it, its probes run by {@link KubeletProber}
 *       with the kubelet's rules; the exec probes counted over 30 s of the running, idle guest must be zero. The exec
 *       readiness probe the operator used before (every second, for life) runs beside it on the same guest as the
 *       baseline, and is counted the same way;</li>
 *   <li><b>CPU and memory</b>: utime + stime of the sandbox JVM and of QEMU from /proc, from start to Ready (boot) and
 *       over the same 30 idle seconds, and their resident memory; printed as {@code IDLE-GUEST} lines, the figures the
 *       chart's resource defaults and the RuntimeClass overhead are chosen from (docs/operator.md).</li>
 * </ul>
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class IdleGuestCostIT {
    private static final int IDLE_SECONDS = 30;
    private static final int GUEST_MIB = 256;

    @TempDir
    Path dir;

    @Test
    void aRunningIdleGuestRunsNoProbeAndFiguresArePrinted() throws Exception {
        Container sandbox = sandboxContainer();
        Container oldDesign = new ContainerBuilder(sandbox)
                .withStartupProbe(null)
                .withNewReadinessProbe()
                .withNewExec()
                .withCommand("test", "-f", "/run/unibloc/ready")
                .endExec()
                .withPeriodSeconds(1)
                .withTimeoutSeconds(1)
                .withSuccessThreshold(1)
                .withFailureThreshold(1)
                .endReadinessProbe()
                .build();
        String readyFileInPod = env(sandbox, "UNIBLOC_READY_FILE");
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Path readyFile = runDir.resolve(Path.of(readyFileInPod).getFileName());

        TestGuest guest = TestGuest.prepare();
        Path tree = GuestRootfs.builder().busybox(false).writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        Path image = GuestDisks.vfat(tree, dir.resolve("root.vfat"), 64);
        BootSpec spec = BootSpec.builder()
                .kernel(TestGuest.KERNEL_IN_ROOT)
                .initrd(TestGuest.INITRD_IN_ROOT)
                .rootDevice(image.toString())
                .memoryMiB(GUEST_MIB)
                .putEnv(TestGuest.PARAM_WAIT, "1")
                .build();
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        // The sandbox image's JVM options (src/main/docker/sandbox/entrypoint.sh), without its CDS
                        // archive.
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-Xmx48m",
                        "-Xss512k",
                        "-cp",
                        classPath(),
                        Main.class.getName(),
                        "--accel",
                        "tcg",
                        "--grace",
                        "60"))
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment().put(BootSpecReader.ENV_VAR, new BootSpecReader().write(spec));
        builder.environment().put("UNIBLOC_READY_FILE", readyFile.toString());

        long wallStart = System.nanoTime();
        Process process = builder.start();
        String runPrefix = Path.of(readyFileInPod).getParent().toString();
        try (KubeletProber prober = new KubeletProber(sandbox, w -> w.replace(runPrefix, runDir.toString()));
                KubeletProber baseline = new KubeletProber(oldDesign, w -> w.replace(runPrefix, runDir.toString()))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (!prober.ready() && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(prober.ready())
                    .as(
                            "the startup probe passed on the guest's first console output; stderr: %s",
                            Files.readString(dir.resolve("stderr")))
                    .isTrue();
            long bootWallMs = (System.nanoTime() - wallStart) / 1_000_000;
            long jvm = process.pid();
            long qemu = qemuOf(jvm);
            long bootJvmCpu = ProcessCpu.cpuMillis(jvm);
            long bootQemuCpu = ProcessCpu.cpuMillis(qemu);
            int startupExecs = prober.execs();
            int baselineBefore = baseline.execs();

            long idleStart = System.nanoTime();
            Thread.sleep(IDLE_SECONDS * 1000L);
            long idleWallMs = (System.nanoTime() - idleStart) / 1_000_000;
            long idleJvmCpu = ProcessCpu.cpuMillis(jvm) - bootJvmCpu;
            long idleQemuCpu = ProcessCpu.cpuMillis(qemu) - bootQemuCpu;
            int idleExecs = prober.execs() - startupExecs;
            int baselineExecs = baseline.execs() - baselineBefore;

            assertThat(process.isAlive()).as("the guest still runs").isTrue();
            assertThat(prober.killed())
                    .as("the startup probe never killed the guest")
                    .isFalse();
            System.out.printf(
                    "IDLE-GUEST probes: %d exec(s) until Ready, %d in %d s of idle guest (old exec readiness probe: %d,"
                            + " %.1f per minute)%n",
                    startupExecs, idleExecs, IDLE_SECONDS, baselineExecs, baselineExecs * 60_000.0 / idleWallMs);
            System.out.printf(
                    "IDLE-GUEST boot (start to Ready, TCG): %d ms wall, CPU jvm %d ms + qemu %d ms = %.0f%% of a core%n",
                    bootWallMs, bootJvmCpu, bootQemuCpu, 100.0 * (bootJvmCpu + bootQemuCpu) / bootWallMs);
            System.out.printf(
                    "IDLE-GUEST idle %d s: CPU jvm %d ms (%.2f%% of a core), qemu %d ms (%.2f%% of a core)%n",
                    IDLE_SECONDS,
                    idleJvmCpu,
                    100.0 * idleJvmCpu / idleWallMs,
                    idleQemuCpu,
                    100.0 * idleQemuCpu / idleWallMs);
            long qemuRss = ProcessCpu.rssKib(qemu) / 1024;
            long qemuOwn = ProcessCpu.rssKibOutsideMappingsOf(qemu, GUEST_MIB * 1024L) / 1024;
            System.out.printf(
                    "IDLE-GUEST memory: RSS jvm %d MiB, qemu %d MiB of which %d MiB outside the guest's %d MiB RAM"
                            + " mapping (the VMM's own); sandbox fixed cost jvm + qemu own = %d MiB%n",
                    ProcessCpu.rssKib(jvm) / 1024,
                    qemuRss,
                    qemuOwn,
                    GUEST_MIB,
                    ProcessCpu.rssKib(jvm) / 1024 + qemuOwn);
            assertThat(idleExecs)
                    .as("exec probes run while the guest idles (each one a runc exec on a real node)")
                    .isZero();
            assertThat(baselineExecs)
                    .as("the harness does count a probe that runs for life (the old design)")
                    .isGreaterThanOrEqualTo(IDLE_SECONDS / 2);
        } finally {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The sandbox container of the Pod the operator builds for a plain UnikernelPod. */
    private static Container sandboxContainer() {
        UnikernelPod ukp = new UnikernelPod();
        ukp.getMetadata().setName("idle");
        ukp.getMetadata().setNamespace("apps");
        ukp.getMetadata().setUid("uid-idle");
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage("registry.example/idle:1");
        ukp.setSpec(spec);
        PodSettings settings = new PodSettings(
                "unibloc-kvm", "unibloc", "unibloc/sandbox:0.1.0", "IfNotPresent", List.of(), 128, "256Mi", "1Gi", 10);
        PinnedImage image = new PinnedImage(
                ImageReference.parse("registry.example/idle:1").withDigest(Digest.parse("sha256:" + "cd".repeat(32))),
                Map.of());
        Pod pod = PodFactory.build(ukp, image, "0123456789", settings);
        return pod.getSpec().getContainers().get(0);
    }

    private static String env(Container c, String name) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            env.put(e.getName(), e.getValue());
        }
        assertThat(env).containsKey(name);
        return env.get(name);
    }

    private static long qemuOf(long jvm) {
        return ProcessCpu.descendants(jvm).stream()
                .filter(p -> ProcessCpu.command(p).startsWith("qemu"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no QEMU under the sandbox JVM " + jvm));
    }

    /** The test class path; under failsafe java.class.path may be a manifest-only booter jar, which also works. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
