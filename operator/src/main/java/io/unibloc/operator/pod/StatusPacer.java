package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.Phase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a changed status is written. What a user or a script waits for — a new phase, another Pod or digest, a condition turning to a reason that needs action, a new generation observed — is written at once; progress
 * inside a phase (the claim bound, the Pod scheduled, the container started) is written at most once per
 * {@code interval} per UnikernelPod, so the several steps a cluster takes within a second cost one status write, not one
 * each (issue 17: six API requests per UnikernelPod to reach Running). A deferred write is not lost: the reconcile
 * reschedules itself for when the interval ends, and any event before then reconciles (and may write) anyway.
 */
final class StatusPacer {
    /** Beyond this many remembered writes, those older than the interval are forgotten. */
    private static final int PRUNE_ABOVE = 4096;

    private final Clock clock;
    private final Duration interval;
    private final ConcurrentHashMap<ResourceID, Instant> lastWrite = new ConcurrentHashMap<>();

    StatusPacer(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /**
     * Empty: write now; otherwise how long to wait before writing {@code next}. A new UnikernelPod's first status
     * while its image is being pinned ({@code Pending}) counts as progress since its creation ({@code created}, may
     * be null): a pin that ends within the interval makes the first status already say {@code Preparing}, one write
     * instead of two.
     */
    Optional<Duration> delay(ResourceID id, Instant created, UnikernelPodStatus old, UnikernelPodStatus next) {
        if (interval.isZero()) {
            return Optional.empty();
        }
        boolean first = old.getPhase() == null && next.getPhase() == Phase.Pending && !needsAction(old, next);
        if (!first && urgent(old, next)) {
            return Optional.empty();
        }
        Instant last = first ? created : lastWrite.get(id);
        if (last == null) {
            return Optional.empty();
        }
        Duration left = interval.minus(Duration.between(last, clock.instant()));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /** Records a write of {@code id}'s status. */
    void written(ResourceID id) {
        Instant now = clock.instant();
        if (lastWrite.size() > PRUNE_ABOVE) {
            lastWrite.values().removeIf(t -> Duration.between(t, now).compareTo(interval) > 0);
        }
        lastWrite.put(id, now);
    }

    static boolean urgent(UnikernelPodStatus old, UnikernelPodStatus next) {
        if (old.getPhase() != next.getPhase()
                || !Objects.equals(old.getPodName(), next.getPodName())
                || !Objects.equals(old.getImageDigest(), next.getImageDigest())
                || !Objects.equals(old.getObservedGeneration(), next.getObservedGeneration())) {
            return true;
        }
        return needsAction(old, next);
    }

    /** Whether a condition turned to a reason a user must act on (a Warning). */
    private static boolean needsAction(UnikernelPodStatus old, UnikernelPodStatus next) {
        List<Condition> before = old.getConditions() == null ? List.of() : old.getConditions();
        for (Condition c : next.getConditions() == null ? List.<Condition>of() : next.getConditions()) {
            boolean changed = before.stream()
                    .noneMatch(b -> b.getType().equals(c.getType())
                            && Objects.equals(b.getStatus(), c.getStatus())
                            && Objects.equals(b.getReason(), c.getReason()));
            if (changed && TransitionEvents.WARNING_REASONS.contains(c.getReason())) {
                return true;
            }
        }
        return false;
    }
}
