package io.unibloc.types;

/**
 * The size contract of a volume, one rule for every filesystem: at least what was asked and at least the
 * image, never above the limit. A CSI caller deletes and retries a volume smaller than it asked for, forever,
 * so a volume is never smaller than {@code requiredBytes}; it is rounded up to a MiB, but not past the limit.
 */
public final class VolumeSizes {
    static final long ALIGN = 1 << 20;

    private VolumeSizes() {}

    /**
     * The size a volume of {@code imageBytes} gets for the request. {@code requiredBytes} 0: the image's own
     * size. {@code limitBytes} 0: no limit. INVALID_ARGUMENT naming the volume when the image alone is larger
     * than the limit (no size can satisfy both), or when a size is negative or required exceeds limit.
     */
    public static long effective(String volumeId, long requiredBytes, long limitBytes, long imageBytes) {
        if (requiredBytes < 0 || limitBytes < 0) {
            throw StoreException.invalid("volume " + volumeId + ": sizes must not be negative, got required "
                    + requiredBytes + " and limit " + limitBytes);
        }
        if (limitBytes > 0 && requiredBytes > limitBytes) {
            throw StoreException.invalid(
                    "volume " + volumeId + ": required size " + requiredBytes + " exceeds the limit " + limitBytes);
        }
        if (limitBytes > 0 && imageBytes > limitBytes) {
            throw StoreException.invalid("volume " + volumeId + ": its image needs " + imageBytes
                    + " bytes, more than the limit " + limitBytes);
        }
        long target = requiredBytes == 0 ? 0 : roundUp(requiredBytes);
        if (limitBytes > 0) {
            target = Math.min(target, limitBytes);
        }
        return Math.max(imageBytes, Math.max(target, requiredBytes));
    }

    private static long roundUp(long bytes) {
        long rounded = (bytes + ALIGN - 1) / ALIGN * ALIGN;
        return rounded < bytes ? bytes : rounded; // overflow near Long.MAX_VALUE: keep the exact figure
    }
}
