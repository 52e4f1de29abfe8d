package io.unibloc.cli.bench;

import io.unibloc.types.WriteMode;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code unibloc bench --guests N,...}: the booted-guest page-cache scenario's options. */
final class GuestOptions {
    @Option(
            names = "--guests",
            split = ",",
            paramLabel = "N",
            description = "Run only the booted-guest page-cache scenario: N guests of the Linux test guest at once,"
                    + " each reading one file of the image, beside N host readers of the same image (e.g. 1,8,20;"
                    + " needs the test guest: --guest-kernel, --guest-initrd).")
    List<Integer> counts;

    @Option(
            names = "--guest-data",
            paramLabel = "MIB",
            defaultValue = "64",
            description = "Size of the file each guest reads (default: ${DEFAULT-VALUE} MiB).")
    long dataMiB;

    @Option(
            names = "--guest-memory",
            paramLabel = "MIB",
            defaultValue = "128",
            description = "Memory per guest (default: ${DEFAULT-VALUE} MiB).")
    int memoryMiB;

    @Option(
            names = "--guest-modes",
            split = ",",
            defaultValue = "ephemeral,persistent",
            description = "Write modes to boot the guests' roots in (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(
            names = "--guest-machine",
            paramLabel = "microvm|pc|q35",
            defaultValue = "pc",
            description = "QEMU machine (default: ${DEFAULT-VALUE}, the fastest Linux boot under TCG here).")
    String machine;

    @Option(
            names = "--guest-accel",
            paramLabel = "auto|kvm|tcg",
            defaultValue = "auto",
            description = "Accelerator (default: probe KVM once, remembered in the store; fall back to TCG).")
    String accel;

    @Option(
            names = "--guest-deadline",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "Time per guest to boot and read the file, times N (default: ${DEFAULT-VALUE}).")
    int deadlineSeconds;

    List<WriteMode> writeModes() {
        return modes.stream().map(WriteMode::parse).distinct().toList();
    }
}
