package io.unibloc.blockstore.ephemeral;

/**
 * An ephemeral volume as stored in {@code <data>/ephemeral/<id>/volume.json}. It owns no disk: its bytes are
 * the chain image {@code chainId}, read through a hard link of it (one inode, one page cache).
 * {@code requestedBytes} is what the caller asked for, {@code imageBytes} the chain image's size.
 */
public record EphemeralRecord(
        String id,
        String requestedImage,
        String image,
        String fsType,
        long requestedBytes,
        long imageBytes,
        String chainId,
        long createdMillis) {

    /** The virtual size of the guest's overlay: the requested size, never less than the image. */
    public long overlayBytes() {
        return Math.max(requestedBytes, imageBytes);
    }
}
