package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.volume.DeviceInfo;
import io.unibloc.sandbox.volume.ExtFiles;
import io.unibloc.sandbox.volume.FsFamily;
import io.unibloc.sandbox.volume.FsProbe;
import io.unibloc.sandbox.volume.PageCacheDrop;
import io.unibloc.sandbox.volume.VfatFiles;
import io.unibloc.sandbox.volume.VolumeException;
import io.unibloc.sandbox.volume.VolumeFiles;
import io.unibloc.types.Vmm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares one boot: checks the devices, projects files into the root filesystem, reads the kernel and
 * initrd out of it (or takes host paths), picks the accelerator and composes the command line.
 *
 * <p>Files ({@code spec.files}) are written at every boot, in both write modes, so a guest always sees the
 * ConfigMap and Secret contents of its current start: into the device itself for a persistent root, and into the
 * guest's own fresh qcow2 overlay for an ephemeral one ({@link OverlayProjection}), leaving the shared device as it
 * is. Either way a Unikraft or Linux guest finds the image's filesystem with the files at their paths. A file
 * projected onto the kernel's (or initrd's) path is also what boots, in both modes: it is taken from its source on
 * the host rather than read out of the device ({@link #hostPath}).
 */
public final class LaunchPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchPlanner.class);
    /** sun_path in struct sockaddr_un holds 108 bytes including the NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    private final ProcessRunner runner;
    private final FsProbe fsProbe;
    private final OverlayProjection overlayProjection;
    private final Supplier<Accel> qemuAccel;
    private final OptionalLong hostTscKhz;

    /**
     * @param qemuAccel decides KVM or TCG for QEMU boots; called only for QEMU, at most once per plan
     * @param hostTscKhz the host TSC frequency for Linux on microvm under TCG (see GuestCmdline)
     */
    public LaunchPlanner(ProcessRunner runner, Supplier<Accel> qemuAccel, OptionalLong hostTscKhz) {
        this.runner = runner;
        this.fsProbe = new FsProbe(runner);
        this.overlayProjection = new OverlayProjection(runner);
        this.qemuAccel = qemuAccel;
        this.hostTscKhz = hostTscKhz;
    }

    /**
     * Prepares the boot of a resolved spec, writing extracted files into {@code workDir}.
     *
     * @throws LaunchException when a device or host file is missing or in the wrong state
     * @throws VolumeException when reading from or projecting into the root filesystem fails
     */
    public LaunchPlan plan(BootSpec spec, Path workDir) throws IOException {
        return plan(spec, workDir, qemuAccel);
    }

    /**
     * As {@link #plan(BootSpec, Path)}, with the accelerator decided by {@code accel} instead of the planner's
     * own supplier (a retry under TCG after KVM failed).
     */
    public LaunchPlan plan(BootSpec spec, Path workDir, Supplier<Accel> accel) throws IOException {
        return plan(spec, workDir, accel, null);
    }

    /**
     * As {@link #plan(BootSpec, Path, Supplier)}; with {@code rootOverlay} (an ephemeral root) the root device is
     * read-only and shared, and the guest boots from a fresh qcow2 overlay at that path backed by the device (not
     * with a read-only spec, which needs none). Only QEMU reads qcow2 backing files here: another VMM is refused
     * naming the reason. Files go into the overlay, never into the shared device.
     */
    public LaunchPlan plan(BootSpec spec, Path workDir, Supplier<Accel> accel, Path rootOverlay) throws IOException {
        return plan(spec, workDir, accel, rootOverlay, null);
    }

    /**
     * As {@link #plan(BootSpec, Path, Supplier, Path)}, for a guest with a NIC whose host end is ready.
     *
     * @param network the guest's NIC and address, or {@code null} for none
     */
    public LaunchPlan plan(BootSpec spec, Path workDir, Supplier<Accel> accel, Path rootOverlay, GuestNetwork network)
            throws IOException {
        Path root = Path.of(spec.rootDevice());
        if (!Files.exists(root)) {
            throw new LaunchException("root device " + root + " does not exist (is the volume attached as a raw "
                    + "block device there?)");
        }
        boolean overlay = rootOverlay != null && !spec.isReadOnly();
        if (overlay) {
            checkEphemeral(spec, rootOverlay);
        } else if (!spec.isReadOnly() && DeviceInfo.isReadOnly(root)) {
            throw new LaunchException("root device " + root + " is read-only, but the spec asks for a writable root;"
                    + " set readOnly=true or attach the volume writable");
        }
        FsFamily family = needsFilesystem(spec) ? family(root, spec) : null;
        VolumeFiles volume = family == null ? null : volumeFiles(family, workDir);
        if (!overlay && !spec.files().isEmpty()) {
            long start = System.nanoTime();
            volume.project(root, spec.files());
            LOG.info(
                    "projected files={} into device={} in {} ms",
                    spec.files().size(),
                    root,
                    (System.nanoTime() - start) / 1_000_000);
        }
        Path kernel = hostOrExtracted(
                volume,
                root,
                hostPath(spec.kernelHostPath(), spec.kernel(), spec.files(), family),
                spec.kernel(),
                workDir.resolve("kernel"));
        Path initrd = spec.initrd() == null && spec.initrdHostPath() == null
                ? null
                : hostOrExtracted(
                        volume,
                        root,
                        hostPath(spec.initrdHostPath(), spec.initrd(), spec.files(), family),
                        spec.initrd(),
                        workDir.resolve("initrd"));
        List<Disk> disks = disks(spec, root);
        if (overlay) {
            long start = System.nanoTime();
            Path created = new RootOverlay(runner).create(root, rootOverlay);
            if (!spec.files().isEmpty()) {
                OverlayProjection.Written written = overlayProjection.project(root, family, created, spec.files());
                LOG.info(
                        "projected files={} into overlay={} of device={}: runs={} bytes={} in {} ms",
                        spec.files().size(),
                        created,
                        root,
                        written.runs(),
                        written.bytes(),
                        (System.nanoTime() - start) / 1_000_000);
            }
            disks.set(0, Disk.overlay(created));
            LOG.info("ephemeral root: overlay={} backing={}", rootOverlay, root);
        }
        if (family != null && DeviceInfo.isBlockDevice(root)) {
            new PageCacheDrop(runner).drop(root); // what the tools read stays cached per guest otherwise (issue 19)
        }
        return assemble(spec, workDir, kernel, initrd, disks, accel, network);
    }

    /** An ephemeral root boots through a qcow2 overlay, which only QEMU takes. */
    private static void checkEphemeral(BootSpec spec, Path rootOverlay) throws LaunchException {
        if (spec.vmm() != Vmm.QEMU) {
            throw new LaunchException("an ephemeral root (overlay " + rootOverlay + ") needs vmm qemu: "
                    + spec.vmm().id() + " cannot boot from a qcow2 overlay; use writeMode persistent with it");
        }
    }

    /**
     * The plan {@link #plan} would make, without touching any device or running the KVM probe: kernel and
     * initrd paths inside the volume are shown where they would be extracted. For {@code --print-command}.
     */
    public LaunchPlan preview(BootSpec spec, Path workDir, Accel accel) {
        return preview(spec, workDir, accel, null);
    }

    /** As {@link #preview(BootSpec, Path, Accel)}, booting through {@code rootOverlay} when given. */
    public LaunchPlan preview(BootSpec spec, Path workDir, Accel accel, Path rootOverlay) {
        return preview(spec, workDir, accel, rootOverlay, null);
    }

    /** As {@link #preview(BootSpec, Path, Accel, Path)}, with the NIC {@code network} describes (or none). */
    public LaunchPlan preview(BootSpec spec, Path workDir, Accel accel, Path rootOverlay, GuestNetwork network) {
        String kernelHost = hostPath(spec.kernelHostPath(), spec.kernel(), spec.files(), null);
        String initrdHost = hostPath(spec.initrdHostPath(), spec.initrd(), spec.files(), null);
        Path kernel = kernelHost != null ? Path.of(kernelHost) : workDir.resolve("kernel");
        Path initrd =
                initrdHost != null ? Path.of(initrdHost) : spec.initrd() != null ? workDir.resolve("initrd") : null;
        List<Disk> disks = new ArrayList<>();
        disks.add(
                rootOverlay != null && !spec.isReadOnly()
                        ? Disk.overlay(rootOverlay)
                        : new Disk(Path.of(spec.rootDevice()), spec.isReadOnly(), true));
        spec.extraDevices().forEach(device -> disks.add(new Disk(Path.of(device), false, true)));
        return build(spec, workDir, kernel, initrd, disks, spec.vmm() == Vmm.QEMU ? accel : Accel.KVM, network);
    }

    private LaunchPlan assemble(
            BootSpec spec,
            Path workDir,
            Path kernel,
            Path initrd,
            List<Disk> disks,
            Supplier<Accel> qemuAccel,
            GuestNetwork network)
            throws LaunchException {
        Accel accel = spec.vmm() == Vmm.QEMU ? qemuAccel.get() : Accel.KVM;
        LaunchPlan plan = build(spec, workDir, kernel, initrd, disks, accel, network);
        if (plan.controlSocket().toString().length() > MAX_SOCKET_PATH) {
            throw new LaunchException("work directory " + workDir + " is too deep for a UNIX socket path; use a "
                    + "shorter temp directory");
        }
        return plan;
    }

    private LaunchPlan build(
            BootSpec spec,
            Path workDir,
            Path kernel,
            Path initrd,
            List<Disk> disks,
            Accel accel,
            GuestNetwork network) {
        if (!spec.env().isEmpty() && (spec.guest() == GuestKind.SOLO5 || spec.guest() == GuestKind.MULTIBOOT)) {
            LOG.warn(
                    "guest={} has no environment; env entries={} are not passed",
                    spec.guest().wireName(),
                    spec.env().keySet());
        }
        String cmdline = GuestCmdline.compose(spec, accel, hostTscKhz, network);
        return new LaunchPlan(
                spec.vmm(),
                spec.machine(),
                spec.guest(),
                accel,
                kernel,
                initrd,
                cmdline,
                disks,
                spec.vcpus(),
                spec.memoryMiB(),
                workDir,
                workDir.resolve("control.sock"),
                network == null ? null : network.nic());
    }

    private static boolean needsFilesystem(BootSpec spec) {
        return spec.kernel() != null || spec.initrd() != null || !spec.files().isEmpty();
    }

    private FsFamily family(Path root, BootSpec spec) throws VolumeException {
        FsFamily type = fsProbe.detect(root);
        if (type == FsFamily.UNKNOWN) {
            throw new VolumeException("cannot read files from " + root + ": it holds "
                    + fsProbe.describe(root) + ", not an ext2/3/4 or vfat filesystem; for a raw disk give "
                    + "kernelHostPath (and initrdHostPath) and do not project files"
                    + (spec.kernel() != null ? " (kernel " + spec.kernel() + " was asked for)" : ""));
        }
        return type;
    }

    private VolumeFiles volumeFiles(FsFamily family, Path workDir) {
        return family == FsFamily.EXT ? new ExtFiles(runner, workDir) : new VfatFiles(runner);
    }

    /**
     * Where the kernel (or initrd) comes from on the host: the spec's host path; else, when a projected file targets
     * its path in the volume, that file's source — the bytes the projection writes there; else {@code null} (read it
     * out of the volume). The projected file's source is taken in both write modes: an ephemeral root projects into
     * the guest's overlay, not into the shared device the kernel would be read from, so reading the device would
     * boot the image's kernel there and the projected one on a persistent root. On vfat the paths match ignoring
     * case, as the filesystem does.
     *
     * @param family the root's filesystem, or {@code null} when unknown (a preview): paths then match exactly
     */
    private static String hostPath(String hostPath, String volumePath, List<FileProjection> files, FsFamily family) {
        if (hostPath != null || volumePath == null) {
            return hostPath;
        }
        String wanted = Path.of(volumePath).normalize().toString();
        for (FileProjection file : files) {
            String target = Path.of(file.target()).normalize().toString();
            if (family == FsFamily.VFAT ? target.equalsIgnoreCase(wanted) : target.equals(wanted)) {
                return file.source();
            }
        }
        return null;
    }

    private static Path hostOrExtracted(VolumeFiles volume, Path root, String hostPath, String volumePath, Path out)
            throws IOException {
        if (hostPath != null) {
            Path path = Path.of(hostPath);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new LaunchException("host file " + path + " is not a readable file");
            }
            return path;
        }
        long start = System.nanoTime();
        volume.extract(root, volumePath, out);
        LOG.info(
                "read path={} out of device={} bytes={} in {} ms",
                volumePath,
                root,
                Files.size(out),
                (System.nanoTime() - start) / 1_000_000);
        return out;
    }

    private static List<Disk> disks(BootSpec spec, Path root) throws LaunchException {
        List<Disk> disks = new ArrayList<>();
        disks.add(new Disk(root, spec.isReadOnly(), DeviceInfo.isBlockDevice(root)));
        for (String extra : spec.extraDevices()) {
            Path device = Path.of(extra);
            if (!Files.exists(device)) {
                throw new LaunchException("extra device " + device + " does not exist");
            }
            // Extra devices have no flag of their own: they go in read-only exactly when the host gives them so.
            disks.add(new Disk(device, DeviceInfo.isReadOnly(device), DeviceInfo.isBlockDevice(device)));
        }
        return disks;
    }
}
