package io.unibloc.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.cli.ExitCodes;
import io.unibloc.cli.Main;
import io.unibloc.sandbox.accel.LongModePayload;
import io.unibloc.sandbox.accel.MultibootPayload;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unibloc run} against a volume another guest holds: refused before attaching, with real loop devices. */
class RunCommandIT {
    @TempDir
    Path tmp;

    private final List<String> cleanup = new ArrayList<>();

    private record Result(int exit, String out, String err) {}

    private Result unibloc(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--store", tmp.resolve("store").toString(), "--backend", "copy"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @AfterEach
    void detachEverything() {
        for (String v : cleanup) {
            unibloc("volume", "rm", "--force", v);
        }
    }

    /**
     * An image packaged like a Unikraft release (kernel file in a layer, io.unibloc.kernel and
     * io.unibloc.guest=unikraft labels) boots with default flags: unikraft picks the pc machine, the KVM probe
     * decides the accelerator, and on a host whose KVM hangs 64-bit guests the run still ends, under TCG. The
     * kernel is the probe's own 64-bit payload (long mode, SSE, APIC timer), standing in for Unikraft.
     */
    @Test
    void aUnikraftStyleImageBootsWithDefaultFlags() throws Exception {
        Path layout = tmp.resolve("unikraft");
        TestImage.builder()
                .layer(TestLayer.builder()
                        .file("kernel", LongModePayload.printAndExit("Hello from Unikraft-style\n", 0))
                        .build(Compression.GZIP))
                .label("io.unibloc.kernel", "/kernel")
                .label("io.unibloc.guest", "unikraft")
                .build()
                .writeLayout(layout, "1");

        Result run = unibloc("run", "--rm", "oci:" + layout + ":1");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Hello from Unikraft-style")
                .containsPattern("guest \\((kvm|tcg)\\) first console line after \\d+ ms");
        if (run.out().contains("guest (tcg)") && Files.exists(Path.of("/dev/kvm"))) {
            // KVM was there and failed the probe: the next run in this store must not wait for it again.
            assertThat(tmp.resolve("store/kvm-verdict.properties")).exists();
        }
        System.out.println("RUN unikraft-style image with default flags: "
                + run.out()
                        .lines()
                        .filter(l -> l.contains("first console line"))
                        .findFirst()
                        .orElse("?"));
    }

    @Test
    void aGuestThatNeverPrintsEndsWithTheWatchdogsExitCode() throws Exception {
        Path layout = tmp.resolve("silent");
        TestImage.builder()
                .layer(TestLayer.builder()
                        .file("kernel", MultibootPayload.silent())
                        .build(Compression.GZIP))
                .label("io.unibloc.kernel", "/kernel")
                .label("io.unibloc.guest", "multiboot")
                .build()
                .writeLayout(layout, "1");

        Result run = unibloc("run", "--rm", "--accel", "tcg", "--boot-timeout", "2", "oci:" + layout + ":1");

        assertThat(run.exit()).isEqualTo(124);
        assertThat(run.err())
                .contains("unibloc: boot watchdog: no console output within 2000 ms under tcg on machine pc");
    }

    @Test
    void refusesAVolumeThatIsAlreadyAttachedAndLeavesItAlone() throws Exception {
        Path layout = tmp.resolve("layout");
        TestImage.builder()
                .layer(TestLayer.builder().file("etc/hello.txt", "hello\n").build(Compression.GZIP))
                .build()
                .writeLayout(layout, "1");
        String ref = "oci:" + layout + ":1";

        cleanup.add("busy");
        Result create = unibloc("volume", "create", "busy", "--image", ref, "--size", "64M");
        assertThat(create.exit()).as(create.err()).isZero();
        Result attach = unibloc("volume", "attach", "busy");
        assertThat(attach.exit()).as(attach.err()).isZero();
        String device = attach.out().strip();
        assertThat(device).matches("/dev/loop\\d+");

        // --rm too: a refused run must neither detach nor delete what the other guest uses.
        Result run = unibloc("run", "--name", "busy", "--rm", "--accel", "tcg", ref);

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err()).contains("volume busy is attached at " + device + ": another guest may be using it");
        Result ls = unibloc("volume", "ls");
        assertThat(ls.out()).contains("busy").contains(device);
    }

    /**
     * {@code --write-mode ephemeral}: the guest boots from the shared read-only device through an overlay in a
     * temporary directory, and neither the overlay directory nor (with --rm) the volume outlive the run.
     */
    @Test
    void anEphemeralRunBootsThroughAnOverlayThatIsGoneAfterwards() throws Exception {
        Path layout = tmp.resolve("eph");
        TestImage.builder()
                .layer(TestLayer.builder()
                        .file("kernel", LongModePayload.printAndExit("Hello from an ephemeral root\n", 0))
                        .build(Compression.GZIP))
                .label("io.unibloc.kernel", "/kernel")
                .label("io.unibloc.guest", "unikraft")
                .build()
                .writeLayout(layout, "1");
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = overlayDirs(temp);

        Result bad = unibloc("run", "--rm", "--write-mode", "scratch", "oci:" + layout + ":1");
        assertThat(bad.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(bad.err()).contains("unibloc.io/write-mode must be persistent or ephemeral, got 'scratch'");

        Result run = unibloc(
                "run",
                "--rm",
                "--name",
                "eph-run",
                "--accel",
                "tcg",
                "--write-mode",
                "ephemeral",
                "oci:" + layout + ":1");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Hello from an ephemeral root");
        assertThat(overlayDirs(temp))
                .as("the overlay directory is removed at exit")
                .containsExactlyInAnyOrderElementsOf(before);
        assertThat(tmp.resolve("store/ephemeral"))
                .as("--rm deleted the ephemeral volume")
                .isEmptyDirectory();
    }

    /**
     * Issue 19: without {@code --write-mode} the root is ephemeral (an ephemeral volume in the store, its overlay gone
     * after the run), and a named volume made persistent before boots again as persistent.
     */
    @Test
    void withoutTheOptionTheRootIsEphemeralAndANamedPersistentVolumeStaysPersistent() throws Exception {
        Path layout = tmp.resolve("dflt");
        TestImage.builder()
                .layer(TestLayer.builder()
                        .file("kernel", LongModePayload.printAndExit("Hello from the default root\n", 0))
                        .build(Compression.GZIP))
                .label("io.unibloc.kernel", "/kernel")
                .label("io.unibloc.guest", "unikraft")
                .build()
                .writeLayout(layout, "1");
        String ref = "oci:" + layout + ":1";

        cleanup.add("dflt");
        Result run = unibloc("run", "--name", "dflt", "--accel", "tcg", ref);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Hello from the default root").contains("volume dflt (ephemeral root)");
        assertThat(tmp.resolve("store/ephemeral/dflt"))
                .as("an ephemeral volume record, no clone")
                .isDirectory();

        cleanup.add("kept");
        Result create = unibloc("volume", "create", "kept", "--image", ref, "--size", "64M");
        assertThat(create.exit()).as(create.err()).isZero();
        Result again = unibloc("run", "--name", "kept", "--size", "64M", "--accel", "tcg", ref);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("volume kept (persistent root)");
        assertThat(tmp.resolve("store/ephemeral/kept")).doesNotExist();
    }

    private static List<Path> overlayDirs(Path temp) throws Exception {
        try (var dirs = Files.list(temp)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("unibloc-run-"))
                    .toList();
        }
    }
}
