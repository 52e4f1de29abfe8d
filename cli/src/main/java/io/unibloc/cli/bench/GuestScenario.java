package io.unibloc.cli.bench;

import io.unibloc.cli.StoreSession;
import io.unibloc.sandbox.SandboxOptions;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.KvmProbe;
import io.unibloc.sandbox.accel.KvmVerdict;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code unibloc bench --guests 1,8,20}: builds the {@link GuestImage}, reads it with N host readers per mode (the
 * page-cache scenario as it was, the baseline), then boots N guests per write mode ({@link GuestPageCacheBench}), and
 * adds both to the results with a chart of the guests' figures.
 */
final class GuestScenario {
    /** The store's remembered KVM verdict: the same file {@code unibloc run} keeps, so neither probes twice. */
    private static final String KVM_VERDICT_FILE = "kvm-verdict.properties";
    /** Fixed, so the image's digest, and the store's chain images of it, are the same in every run. */
    private static final long SEED = 19;

    private final StoreSession session;
    private final FsType fs;
    private final GuestOptions options;
    private final Path kernel;
    private final Path initrd;
    private final int readerRepeats;

    GuestScenario(StoreSession session, FsType fs, GuestOptions options, Path kernel, Path initrd, int readerRepeats) {
        this.session = session;
        this.fs = fs;
        this.options = options;
        this.kernel = kernel;
        this.initrd = initrd;
        this.readerRepeats = readerRepeats;
    }

    void run(Results res, Path chart) throws IOException, InterruptedException {
        List<Integer> counts = options.counts.stream().distinct().sorted().toList();
        if (counts.isEmpty() || counts.get(0) < 1) {
            throw new IllegalArgumentException("--guests needs counts of at least 1, got " + options.counts);
        }
        List<WriteMode> modes = options.writeModes();
        Path work = Files.createDirectories(session.dir().resolve("bench-work"));
        GuestImage img = GuestImage.write(work.resolve("images/guest-" + options.dataMiB), options.dataMiB, SEED);
        List<PageCacheBench.Sample> readers =
                new PageCacheBench(session.engine(), fs, session.dir(), work).run(img.image(), counts, readerRepeats);
        GuestPageCacheBench bench = new GuestPageCacheBench(
                session.engine(),
                fs,
                session.dir(),
                work,
                sandboxOptions(),
                GuestPageCacheBench.guestSpec(kernel, initrd, options.memoryMiB, BootSpec.machine(options.machine)),
                Duration.ofSeconds(options.deadlineSeconds));
        List<GuestPageCacheBench.Sample> guests = bench.run(img, modes, counts);
        PageCacheBench.report(res, readers, options.dataMiB);
        GuestFigures.report(res, guests, readers, img.dataBytes());
        PageCacheChart.write(
                chart,
                "N booted guests each reading a " + options.dataMiB + " MiB file of one image",
                "store files resident (fincore), MiB",
                "store reads (device under the store), MiB",
                guests.stream()
                        .map(s -> new PageCacheChart.Bar(
                                s.mode().id(),
                                s.guests(),
                                s.residentBytes() / (double) (1 << 20),
                                s.storeReadBytes() / (double) (1 << 20)))
                        .toList(),
                counts,
                modes.stream().map(WriteMode::id).toList());
    }

    /** The accelerator decided once for all guests (N sandboxes would each probe KVM otherwise). */
    private SandboxOptions sandboxOptions() {
        SandboxOptions base = SandboxOptions.fromEnvironment(System.getenv());
        Accel accel;
        if (options.accel.equals("auto")) {
            accel = new KvmProbe(
                            base.qemuBinary(),
                            base.kvmDevice(),
                            base.kvmProbeTimeout(),
                            new KvmVerdict(session.dir().resolve(KVM_VERDICT_FILE)))
                    .decide()
                    .accel();
        } else {
            accel = Accel.parse(options.accel);
        }
        System.err.println("bench: guests run under " + accel);
        return base.withAccel(accel);
    }
}
