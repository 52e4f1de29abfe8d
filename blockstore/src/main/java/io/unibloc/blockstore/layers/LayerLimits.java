package io.unibloc.blockstore.layers;

/**
 * Bounds on what one layer may expand to, against decompression bombs and absurd entries.
 *
 * @param maxLayerBytes  the most uncompressed tar bytes one layer may hold
 * @param maxRatio       the most uncompressed bytes per compressed byte, checked once past {@code ratioFloorBytes}
 * @param ratioFloorBytes below this many uncompressed bytes the ratio is not checked (tiny layers of zeros are fine)
 * @param maxEntryBytes  the largest single file
 */
public record LayerLimits(long maxLayerBytes, long maxRatio, long ratioFloorBytes, long maxEntryBytes) {
    public static final LayerLimits DEFAULT = new LayerLimits(64L << 30, 200, 64L << 20, 32L << 30);

    public LayerLimits {
        if (maxLayerBytes <= 0 || maxRatio <= 0 || ratioFloorBytes < 0 || maxEntryBytes <= 0) {
            throw new IllegalArgumentException("layer limits must be positive: " + maxLayerBytes + ", " + maxRatio
                    + ", " + ratioFloorBytes + ", " + maxEntryBytes);
        }
    }
}
