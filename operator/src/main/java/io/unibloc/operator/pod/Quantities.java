package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Kubernetes quantities turned into the whole units the boot spec and the Pod use. */
public final class Quantities {
    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024L);

    private Quantities() {}

    /**
     * {@code 256Mi} → 256, {@code 1Gi} → 1024, {@code 100M} → 96 (rounded up to whole MiB).
     *
     * @throws IllegalArgumentException naming {@code what} when the text is not a quantity
     */
    public static long mebibytes(String quantity, String what) {
        try {
            BigDecimal bytes = Quantity.getAmountInBytes(new Quantity(quantity));
            if (bytes.signum() < 0) {
                throw new IllegalArgumentException(what + " must not be negative, got '" + quantity + "'");
            }
            return bytes.divide(MIB, 0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException | IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(what)) {
                throw e;
            }
            throw new IllegalArgumentException(what + " '" + quantity + "' is not a quantity such as 256Mi", e);
        }
    }

    /** {@code 250m} → 250, {@code 1} → 1000 (CPU in millicores, rounded up). */
    public static long millicores(String quantity, String what) {
        try {
            BigDecimal cores = Quantity.getAmountInBytes(new Quantity(quantity));
            return cores.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + quantity + "' is not a CPU quantity such as 250m", e);
        }
    }
}
