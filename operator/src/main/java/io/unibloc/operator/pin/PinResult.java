package io.unibloc.operator.pin;

import io.unibloc.registry.RegistryException;
import io.unibloc.registry.pin.PinnedImage;
import java.time.Instant;

/** What {@link PinCache#lookup} knows about an image right now. */
public sealed interface PinResult {

    /** Resolved; {@code millis} is how long the registry call that produced it took (0 for a digest reference). */
    record Pinned(PinnedImage image, long millis) implements PinResult {}

    /** A pin is running; the waiter is notified when it ends. */
    record Waiting() implements PinResult {}

    /**
     * The last attempt failed. {@code reason} is a condition reason (ImageNotFound, RegistryAuthFailed,
     * RegistryUnavailable, InvalidImage, PinFailed); {@code permanent} failures need a spec change, the
     * others are tried again from {@code retryAt}.
     */
    record Failed(RegistryException.Kind kind, String reason, String message, Instant retryAt, boolean permanent)
            implements PinResult {

        public static String reasonFor(RegistryException.Kind kind) {
            return switch (kind) {
                case INVALID_ARGUMENT -> "InvalidImage";
                case NOT_FOUND -> "ImageNotFound";
                case UNAUTHENTICATED -> "RegistryAuthFailed";
                case UNAVAILABLE -> "RegistryUnavailable";
                default -> "PinFailed";
            };
        }
    }
}
