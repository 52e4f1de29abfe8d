package io.unibloc.sandbox.launch;

import java.nio.file.Path;

/**
 * One block device given to the guest as virtio-blk, in attachment order (the first is {@code /dev/vda}).
 *
 * @param path host path of the device node or image file
 * @param readOnly whether the guest may only read it
 * @param blockDevice whether it is a block device node (opened with O_DIRECT, bypassing the host page cache)
 * @param format the image format QEMU reads: {@code raw}, or {@code qcow2} for an ephemeral root's overlay
 */
public record Disk(Path path, boolean readOnly, boolean blockDevice, String format) {

    public static final String RAW = "raw";
    public static final String QCOW2 = "qcow2";

    /** A raw disk. */
    public Disk(Path path, boolean readOnly, boolean blockDevice) {
        this(path, readOnly, blockDevice, RAW);
    }

    /**
     * The qcow2 overlay of an ephemeral root: opened with O_DIRECT like a device, so QEMU reads its backing device
     * O_DIRECT too and only the chain image's page cache (shared by every guest of the image) fills.
     */
    public static Disk overlay(Path overlay) {
        return new Disk(overlay, false, true, QCOW2);
    }
}
