package io.unibloc.blockstore.shared;

/**
 * An attached ephemeral volume: {@code device} is the volume's own read-only loop device (what a Pod gets).
 * It reads a hard link of the chain image, so its page cache is the chain image's, shared with every other
 * volume of that image on the node. {@code overlayBytes} is the virtual size the VMM's copy-on-write
 * overlay should have.
 */
public record SharedAttachment(String volumeId, String device, String chainId, long overlayBytes) {}
