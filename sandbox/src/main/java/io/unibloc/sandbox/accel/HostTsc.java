package io.unibloc.sandbox.accel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The host's TSC frequency. Under TCG a guest's TSC ticks at the host's rate, and a Linux guest on the
 * {@code microvm} machine (no HPET or ACPI PM timer to calibrate against) can hang at boot when the host is
 * busy and PIT calibration fails. Passing {@code tsc_early_khz} with this value skips that calibration.
 */
public final class HostTsc {

    private HostTsc() {}

    /** Reads {@code /proc/cpuinfo}; empty when it is unreadable or says nothing usable. */
    public static OptionalLong khz() {
        try {
            return fromCpuinfo(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Derives the TSC frequency from the first processor's {@code bogomips} (Linux computes it as
     * tsc_khz / 500 on TSC hosts), falling back to {@code cpu MHz}.
     */
    public static OptionalLong fromCpuinfo(String cpuinfo) {
        Double bogomips = null;
        Double mhz = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                if (line.isBlank() && (bogomips != null || mhz != null)) {
                    break; // end of the first processor's block
                }
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            try {
                if (key.equals("bogomips") && bogomips == null) {
                    bogomips = Double.parseDouble(value);
                } else if (key.equals("cpu MHz") && mhz == null) {
                    mhz = Double.parseDouble(value);
                }
            } catch (NumberFormatException e) {
                // an odd line; keep looking
            }
        }
        if (bogomips != null && bogomips > 0) {
            return OptionalLong.of(Math.round(bogomips * 500));
        }
        if (mhz != null && mhz > 0) {
            return OptionalLong.of(Math.round(mhz * 1000));
        }
        return OptionalLong.empty();
    }
}
