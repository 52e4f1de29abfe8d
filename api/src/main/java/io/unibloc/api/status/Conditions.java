package io.unibloc.api.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A resource's conditions being rewritten in one reconcile. {@link #set} keeps a condition's
 * {@code lastTransitionTime} while its status stays the same, so that an unchanged world writes an
 * unchanged status (no update, no event, no reconcile loop); {@link #transitions()} lists what changed.
 */
public final class Conditions {
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private final List<Condition> previous;
    private final List<Condition> current;
    private final long generation;
    private final Instant now;
    private final List<Transition> transitions = new ArrayList<>();

    /** A condition whose status or reason changed in this reconcile. */
    public record Transition(Condition condition, String previousStatus, String previousReason) {}

    public Conditions(List<Condition> previous, long generation, Instant now) {
        this.previous = previous == null ? List.of() : List.copyOf(previous);
        this.current = new ArrayList<>(this.previous);
        this.generation = generation;
        this.now = now.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Sets one condition; the message is shortened to what the API server accepts (32 KiB). */
    public Conditions set(String type, String status, String reason, String message) {
        String msg = message == null ? "" : message.length() > 32_000 ? message.substring(0, 32_000) : message;
        Optional<Condition> old = find(previous, type);
        boolean statusChanged = old.map(c -> !status.equals(c.getStatus())).orElse(true);
        String since = statusChanged ? now.toString() : old.get().getLastTransitionTime();
        Condition next = new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(msg)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build();
        current.removeIf(c -> type.equals(c.getType()));
        current.add(next);
        if (statusChanged || !Objects.equals(reason, old.get().getReason())) {
            transitions.add(new Transition(
                    next,
                    old.map(Condition::getStatus).orElse(null),
                    old.map(Condition::getReason).orElse(null)));
        }
        return this;
    }

    /** The conditions in {@code order} first, then any others that were there before. */
    public List<Condition> list(List<String> order) {
        List<Condition> out = new ArrayList<>();
        for (String type : order) {
            find(current, type).ifPresent(out::add);
        }
        current.stream().filter(c -> !order.contains(c.getType())).forEach(out::add);
        return out;
    }

    public List<Transition> transitions() {
        return List.copyOf(transitions);
    }

    public Optional<Condition> get(String type) {
        return find(current, type);
    }

    public boolean isTrue(String type) {
        return get(type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
    }

    /** When {@code type} last became what it is now. */
    public Optional<Instant> since(String type) {
        return get(type)
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .map(Instant::parse);
    }

    private static Optional<Condition> find(List<Condition> list, String type) {
        return list.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
