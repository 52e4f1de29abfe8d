package io.unibloc.operator.pod;

import static io.unibloc.api.status.Conditions.FALSE;
import static io.unibloc.api.status.Conditions.TRUE;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.IMAGE_PINNED;

import io.fabric8.kubernetes.api.model.Condition;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.operator.pin.PinCache;
import io.unibloc.operator.pin.PinResult;
import io.unibloc.operator.pin.PullSecrets;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The image part of one UnikernelPod reconcile: keeps the digest recorded in status while the spec
 * still names the same image (a tag that moved later does not restart the guest), otherwise looks the
 * pin up in the {@link PinCache}; and, before a Pod is built, gets the pinned image's labels.
 */
final class ImageStep {
    private final PinCache pins;
    private final PullSecrets pullSecrets;
    private final UnikernelPod ukp;
    private final PinCache.Waiter waiter;
    private PinResult.Pinned fresh;
    private RegistryCredentials credentials;
    private Instant retryAt;

    ImageStep(PinCache pins, PullSecrets pullSecrets, UnikernelPod ukp, PinCache.Waiter waiter) {
        this.pins = pins;
        this.pullSecrets = pullSecrets;
        this.ukp = ukp;
        this.waiter = waiter;
    }

    /** Sets ImagePinned and the draft's pin; returns when to try again after a failure. */
    Optional<Instant> resolve(StatusDraft draft, Conditions conditions, Duration secretRetry, Clock clock) {
        String image = ukp.getSpec().getImage();
        ImageReference wanted = ImageReference.parse(image);
        if (draft.pinnedImage != null && samePin(wanted, ImageReference.parse(draft.pinnedImage))) {
            conditions.set(IMAGE_PINNED, TRUE, "Pinned", "pinned " + image + " to " + draft.imageDigest);
            return Optional.empty();
        }
        draft.unpinned();
        PinResult result = lookup(wanted, conditions, secretRetry, clock);
        if (result instanceof PinResult.Pinned pinned) {
            fresh = pinned;
            draft.pinned(pinned.image().reference(), pinned.millis());
            conditions.set(
                    IMAGE_PINNED,
                    TRUE,
                    "Pinned",
                    "pinned " + image + " to " + pinned.image().digest());
        } else if (result instanceof PinResult.Waiting) {
            Optional<Condition> previous = conditions.get(IMAGE_PINNED);
            boolean retryingSameSpec = previous.map(c -> FALSE.equals(c.getStatus())
                            && !"Pinning".equals(c.getReason())
                            && Objects.equals(
                                    c.getObservedGeneration(), ukp.getMetadata().getGeneration()))
                    .orElse(false);
            if (retryingSameSpec) {
                // A retry after a failure: the failure stands until the retry says otherwise (no flapping, no event per
                // attempt).
                conditions.set(
                        IMAGE_PINNED,
                        FALSE,
                        previous.get().getReason(),
                        previous.get().getMessage());
            } else {
                conditions.set(IMAGE_PINNED, FALSE, "Pinning", "resolving " + image + " at its registry");
            }
        }
        return Optional.ofNullable(retryAt);
    }

    /** The pinned image with its labels, once known; empty while it is being read (or failed: see ImagePinned). */
    Optional<PinResult.Pinned> labelled(StatusDraft draft, Conditions conditions, Duration secretRetry, Clock clock) {
        if (fresh != null) {
            return Optional.of(fresh);
        }
        PinResult result = lookup(ImageReference.parse(draft.pinnedImage), conditions, secretRetry, clock);
        return result instanceof PinResult.Pinned pinned ? Optional.of(pinned) : Optional.empty();
    }

    Optional<Instant> retryAt() {
        return Optional.ofNullable(retryAt);
    }

    private PinResult lookup(ImageReference reference, Conditions conditions, Duration secretRetry, Clock clock) {
        if (credentials == null) {
            PullSecrets.Result read = pullSecrets.read(
                    ukp.getMetadata().getNamespace(), ukp.getSpec().getImagePullSecrets());
            if (read instanceof PullSecrets.Problem problem) {
                retryAt = clock.instant().plus(secretRetry);
                conditions.set(IMAGE_PINNED, FALSE, problem.reason(), problem.message());
                return new PinResult.Failed(null, problem.reason(), problem.message(), retryAt, false);
            }
            credentials = ((PullSecrets.Found) read).credentials();
        }
        PinResult result = pins.lookup(reference, credentials, waiter);
        if (result instanceof PinResult.Failed failed) {
            conditions.set(
                    IMAGE_PINNED,
                    FALSE,
                    failed.reason(),
                    failed.permanent()
                            ? failed.message()
                            : failed.message() + " (next attempt at " + failed.retryAt() + ")");
            if (!failed.permanent()) {
                retryAt = failed.retryAt();
            }
        }
        return result;
    }

    /** Same registry and repository, and the same tag (or the digest the spec itself names). */
    static boolean samePin(ImageReference wanted, ImageReference pinned) {
        if (!wanted.registry().equals(pinned.registry()) || !wanted.repository().equals(pinned.repository())) {
            return false;
        }
        return wanted.digest() != null
                ? wanted.digest().equals(pinned.digest())
                : Objects.equals(wanted.tag(), pinned.tag());
    }
}
