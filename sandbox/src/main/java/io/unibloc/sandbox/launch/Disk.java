package io.unibloc.sandbox.launch;

import java.nio.file.Path;

/**
 * One block device given to the guest as virtio-blk, in attachment order (the first is {@code /dev/vda}).
 *
 * @param path host path of the device node or image file
 * @param readOnly whether the guest may only read it
 * @param blockDevice whether it is a block device node (opened with O_DIRECT, bypassing the host page cache)
 */
public record Disk(Path path, boolean readOnly, boolean blockDevice) {}
