package io.unibloc.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T00:05:00.700Z");

    @Test
    void unchangedStatusKeepsItsTransitionTimeAndReportsNoTransition() {
        Conditions first = new Conditions(List.of(), 1, T0).set("Ready", "False", "Booting", "starting");
        List<Condition> written = first.list(List.of("Ready"));
        assertThat(first.transitions()).hasSize(1);

        Conditions second = new Conditions(written, 2, T1).set("Ready", "False", "Booting", "still starting");
        Condition c = second.get("Ready").orElseThrow();
        assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(c.getObservedGeneration()).isEqualTo(2L);
        assertThat(c.getMessage()).isEqualTo("still starting");
        assertThat(second.transitions()).isEmpty();
    }

    @Test
    void statusOrReasonChangesAreTransitions() {
        List<Condition> before = new Conditions(List.of(), 1, T0)
                .set("Ready", "False", "Booting", "x")
                .list(List.of());
        Conditions reason = new Conditions(before, 1, T1).set("Ready", "False", "CrashLoopBackOff", "y");
        assertThat(reason.transitions())
                .singleElement()
                .satisfies(t -> assertThat(t.previousReason()).isEqualTo("Booting"));
        assertThat(reason.get("Ready").get().getLastTransitionTime())
                .as("same status: time kept")
                .isEqualTo("2026-01-01T00:00:00Z");

        Conditions status = new Conditions(before, 1, T1).set("Ready", "True", "Running", "z");
        assertThat(status.transitions())
                .singleElement()
                .satisfies(t -> assertThat(t.previousStatus()).isEqualTo("False"));
        assertThat(status.get("Ready").get().getLastTransitionTime()).isEqualTo("2026-01-01T00:05:00Z");
        assertThat(status.since("Ready")).contains(Instant.parse("2026-01-01T00:05:00Z"));
    }

    @Test
    void listsInTheGivenOrderThenTheRest() {
        Conditions c = new Conditions(List.of(), 1, T0)
                .set("B", "True", "b", "")
                .set("Other", "True", "o", "")
                .set("A", "False", "a", "");
        assertThat(c.list(List.of("A", "B"))).extracting(Condition::getType).containsExactly("A", "B", "Other");
    }
}
