package io.unibloc.blockstore.fs;

/**
 * Recognises "the filesystem ran full" in the shapes the engine meets it: an {@link java.io.IOException}
 * from the JDK, a tool's output (cp, resize2fs, mkfs) carried in an INTERNAL StoreException, or errno 28
 * from a libc call. One place, so every caller turns it into RESOURCE_EXHAUSTED alike.
 */
public final class OutOfSpace {
    /** ENOSPC on Linux. */
    public static final int ENOSPC = 28;

    private static final String MESSAGE = "No space left on device";

    private OutOfSpace() {}

    /** True when {@code e} or any of its causes says the device is full. */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(MESSAGE)) {
                return true;
            }
        }
        return false;
    }
}
