package io.unibloc.blockstore.volumes;

/**
 * A volume's metadata ({@code volume.json}). {@code requestedImage} and {@code requestedBytes} are what the
 * caller asked for, compared on a repeated create; {@code image} is the pinned reference it was made from
 * and {@code sizeBytes} the disk's actual size.
 */
public record VolumeRecord(
        String id,
        String requestedImage,
        String image,
        String fsType,
        long requestedBytes,
        long sizeBytes,
        boolean readOnly,
        String chainId,
        long createdMillis) {}
