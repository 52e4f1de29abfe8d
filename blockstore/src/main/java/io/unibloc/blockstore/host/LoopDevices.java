package io.unibloc.blockstore.host;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.LibC;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The project's one owner of loop devices: attach (read-only, direct I/O) and detach through util-linux
 * {@code losetup} ({@code --find --show} lets the kernel pick a free device atomically), direct I/O switched on a
 * bound device in place, lookups by backing file through sysfs and the kernel. Attachments are never recorded by
 * the store: the kernel's view is the truth, so they are found again after a restart.
 *
 * <p>A device is matched to its backing file by identity — the device and inode the kernel holds
 * ({@code LOOP_GET_STATUS64}'s {@code lo_device}/{@code lo_inode}) against the file's {@code st_dev}/{@code st_ino}
 * — not by the {@code backing_file} path string: that string is the path as the process that attached it saw it,
 * and a node plugin restarted in a new container (another mount namespace, another path view) would miss its own
 * devices, leak them on unstage and delete volumes still attached. The path is only the fallback when the device
 * node cannot be opened.
 */
public final class LoopDevices {
    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private static final String DELETED = " (deleted)";
    /** {@code LOOP_GET_STATUS64} from {@code <linux/loop.h>}. */
    private static final NativeLong LOOP_GET_STATUS64 = new NativeLong(0x4C05);
    /** {@code sizeof(struct loop_info64)}: 5 u64, 4 u32, 64 + 64 + 32 bytes of names and key, 2 u64. */
    private static final int LOOP_INFO64_SIZE = 232;

    /** What identifies a file on this host, whatever path a mount namespace gives it. */
    public record FileId(long device, long inode) {}

    /** Attaches {@code file}; returns the device path, e.g. {@code /dev/loop3}. */
    public String attach(Path file, boolean readOnly, boolean directIo) {
        List<String> command = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (readOnly) {
            command.add("--read-only");
        }
        if (directIo) {
            command.add("--direct-io=on");
        }
        command.add(file.toString());
        Exec.Result result = Exec.run(command);
        if (!result.ok()) {
            throw StoreException.unavailable("cannot attach " + file + " to a loop device: " + result.output(), null);
        }
        return result.stdout().strip();
    }

    /**
     * What the kernel reports for a device after {@link #enableDirectIo}: whether it now reads its backing file
     * with direct I/O, whether this call switched it, its logical block size, and losetup's answer when it refused.
     */
    public record DirectIo(String device, boolean on, boolean switched, String logicalBlockSize, String refusal) {}

    /**
     * Switches a bound device to direct I/O in place, unless it already is. {@code losetup --direct-io=on} issues
     * {@code LOOP_SET_DIRECT_IO}, which freezes the queue and flushes, so a mounted device (the xfs-loop store's)
     * is switched without an unmount and keeps its autoclear flag. Loop direct I/O needs the device's logical block
     * size to be at least the backing filesystem's; otherwise the kernel refuses or stays buffered, so the outcome
     * is read back from {@code /sys/block/loopN/loop/dio} and returned rather than thrown: buffered I/O is slower
     * on memory, not wrong, and the caller decides what to log.
     */
    public DirectIo enableDirectIo(String device) {
        boolean wasOn = "1".equals(sysfs(device, "loop/dio"));
        Exec.Result set = wasOn ? null : Exec.run(List.of("losetup", "--direct-io=on", device));
        return new DirectIo(
                device,
                "1".equals(sysfs(device, "loop/dio")),
                !wasOn,
                sysfs(device, "queue/logical_block_size"),
                set == null || set.ok() ? "" : set.output().strip());
    }

    private static String sysfs(String device, String attribute) {
        try {
            return Files.readString(SYS_BLOCK
                            .resolve(Path.of(device).getFileName().toString())
                            .resolve(attribute))
                    .strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    public void detach(String device) {
        Exec.Result result = Exec.run(List.of("losetup", "--detach", device));
        if (!result.ok() && !result.output().contains("No such device")) {
            throw StoreException.internal("cannot detach " + device + ": " + result.output(), null);
        }
    }

    /** An attached loop device: its path, the backing path as the kernel recorded it, and the backing file's identity. */
    public record Attached(String device, String backingPath, Optional<FileId> backing) {}

    /**
     * Every attached loop device, read from sysfs ({@code /sys/block/loopN/loop/backing_file}) and one
     * {@code LOOP_GET_STATUS64} per device: no process per call, which keeps attach and listing at a millisecond or two.
     */
    public List<Attached> attached() {
        List<Attached> devices = new ArrayList<>();
        try (Stream<Path> blocks = Files.list(SYS_BLOCK)) {
            for (Path block : blocks.filter(p -> p.getFileName().toString().startsWith("loop"))
                    .sorted()
                    .toList()) {
                String backing;
                try {
                    backing =
                            Files.readString(block.resolve("loop/backing_file")).strip();
                } catch (IOException e) {
                    continue; // not attached, or detached while we looked
                }
                if (backing.endsWith(DELETED)) {
                    backing = backing.substring(0, backing.length() - DELETED.length());
                }
                String device = "/dev/" + block.getFileName();
                devices.add(new Attached(device, backing, backingId(device)));
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list loop devices in " + SYS_BLOCK + ": " + e.getMessage(), e);
        }
        return devices;
    }

    /**
     * What loop device {@code device} (e.g. {@code /dev/loop3}) reads from, as the kernel recorded the path; empty
     * when it is not an attached loop device.
     */
    public Optional<String> backingPath(String device) {
        Path name = Path.of(device).getFileName();
        if (name == null || !name.toString().startsWith("loop")) {
            return Optional.empty();
        }
        try {
            String backing = Files.readString(SYS_BLOCK.resolve(name).resolve("loop/backing_file"))
                    .strip();
            return Optional.of(
                    backing.endsWith(DELETED) ? backing.substring(0, backing.length() - DELETED.length()) : backing);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The devices backed by {@code file} (normally none or one), matched by device and inode. */
    public List<String> devicesOf(Path file) {
        return devicesOf(file, attached());
    }

    /** As {@link #devicesOf(Path)} against a listing already read (one listing for many files). */
    public List<String> devicesOf(Path file, List<Attached> attached) {
        Optional<FileId> id = idOf(file);
        String path = file.toAbsolutePath().normalize().toString();
        List<String> out = new ArrayList<>();
        for (Attached a : attached) {
            boolean same = a.backing().isPresent() && id.isPresent()
                    ? a.backing().equals(id)
                    : a.backingPath().equals(path);
            if (same) {
                out.add(a.device());
            }
        }
        return out;
    }

    /** {@code st_dev} and {@code st_ino} of {@code file}; empty when it does not exist. */
    public static Optional<FileId> idOf(Path file) {
        try {
            Map<String, Object> attrs = Files.readAttributes(file, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
            return Optional.of(
                    new FileId(((Number) attrs.get("dev")).longValue(), ((Number) attrs.get("ino")).longValue()));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code lo_device} and {@code lo_inode} of the device. The kernel stores {@code lo_device} with
     * {@code new_encode_dev}, which for every major below 4096 is the encoding glibc's {@code stat} returns.
     * Empty when the device node cannot be opened here or was detached meanwhile.
     */
    public static Optional<FileId> backingId(String device) {
        int fd;
        try {
            fd = LibC.INSTANCE.open(device, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            return Optional.empty();
        }
        try (Memory info = new Memory(LOOP_INFO64_SIZE)) {
            info.clear();
            LibC.INSTANCE.ioctl(fd, LOOP_GET_STATUS64, info);
            return Optional.of(new FileId(info.getLong(0), info.getLong(8)));
        } catch (LastErrorException e) {
            return Optional.empty(); // ENXIO: detached between the sysfs read and the ioctl
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }
}
