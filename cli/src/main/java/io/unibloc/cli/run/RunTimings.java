package io.unibloc.cli.run;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.Sizes;
import java.util.Locale;

/**
 * What one {@code unibloc run} measured: how long the volume took (prepare = pull + build, then clone +
 * attach), how long the guest took to its first console line and to exit, and the store's disk use after.
 * {@code writeMode} is the root's ({@code ephemeral} or {@code persistent}), as chosen when the option is absent.
 */
public record RunTimings(
        String volumeId,
        String writeMode,
        boolean imageWasCached,
        long prepareMillis,
        long cloneAttachMillis,
        long firstConsoleLineMillis,
        long guestMillis,
        int exitCode,
        String accel,
        long storePhysicalBytes,
        long storeLogicalBytes,
        int volumes) {

    public long volumeMillis() {
        return prepareMillis + cloneAttachMillis;
    }

    static RunTimings of(
            String volumeId,
            String writeMode,
            boolean cached,
            long prepareMillis,
            long cloneAttachMillis,
            long firstLineMillis,
            long guestMillis,
            int exitCode,
            String accel,
            BlockStore.StoreUsage usage) {
        return new RunTimings(
                volumeId,
                writeMode,
                cached,
                prepareMillis,
                cloneAttachMillis,
                firstLineMillis,
                guestMillis,
                exitCode,
                accel,
                usage.physicalBytes(),
                usage.logicalBytes(),
                usage.volumes());
    }

    /** The lines printed after the guest ended. */
    String summary() {
        return String.format(
                Locale.ROOT,
                "unibloc: volume %s (%s root) ready in %d ms (image %s: %d ms, clone + attach: %d ms)%n"
                        + "unibloc: guest (%s) first console line after %s, exit %d after %d ms%n"
                        + "unibloc: store holds %s on disk for %s of images and volumes (%d volumes)%n",
                volumeId,
                writeMode,
                volumeMillis(),
                imageWasCached ? "cached" : "pulled and built",
                prepareMillis,
                cloneAttachMillis,
                accel,
                firstConsoleLineMillis < 0 ? "none" : firstConsoleLineMillis + " ms",
                exitCode,
                guestMillis,
                Sizes.format(storePhysicalBytes),
                Sizes.format(storeLogicalBytes),
                volumes);
    }
}
