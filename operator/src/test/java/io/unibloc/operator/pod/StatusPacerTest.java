package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.Phase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPacerTest {
    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    private static final ResourceID ID = new ResourceID("web", "default");

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = T0;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static UnikernelPodStatus status(Phase phase, String pod, Condition... conditions) {
        UnikernelPodStatus s = new UnikernelPodStatus();
        s.setPhase(phase);
        s.setPodName(pod);
        s.setObservedGeneration(1L);
        s.setConditions(List.of(conditions));
        return s;
    }

    private static Condition condition(String type, String status, String reason) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .build();
    }

    @Test
    void progressWithinAPhaseWaitsForTheIntervalSinceTheLastWrite() {
        Hands clock = new Hands();
        StatusPacer pacer = new StatusPacer(clock, Duration.ofSeconds(1));
        UnikernelPodStatus created =
                status(Phase.Preparing, "web-1", condition("VolumeReady", "False", "ClaimPending"));
        UnikernelPodStatus bound = status(Phase.Preparing, "web-1", condition("VolumeReady", "True", "ClaimBound"));
        pacer.written(ID);

        clock.now = T0.plusMillis(300);
        assertThat(pacer.delay(ID, T0, created, bound)).contains(Duration.ofMillis(700));
        clock.now = T0.plusMillis(1000);
        assertThat(pacer.delay(ID, T0, created, bound))
                .as("the interval has passed")
                .isEmpty();
    }

    @Test
    void aNewPhaseAnotherPodOrAProblemIsWrittenAtOnce() {
        Hands clock = new Hands();
        StatusPacer pacer = new StatusPacer(clock, Duration.ofSeconds(1));
        UnikernelPodStatus preparing =
                status(Phase.Preparing, "web-1", condition("VolumeReady", "False", "ClaimPending"));
        pacer.written(ID);
        clock.now = T0.plusMillis(100);

        assertThat(pacer.delay(ID, T0, preparing, status(Phase.Booting, "web-1")))
                .isEmpty();
        assertThat(pacer.delay(ID, T0, preparing, status(Phase.Preparing, "web-2")))
                .isEmpty();
        assertThat(pacer.delay(
                        ID,
                        T0,
                        preparing,
                        status(Phase.Preparing, "web-1", condition("VolumeReady", "False", "StorageClassMissing"))))
                .as("a Warning reason")
                .isEmpty();
    }

    @Test
    void theFirstStatusWhilePinningCountsFromCreation() {
        Hands clock = new Hands();
        StatusPacer pacer = new StatusPacer(clock, Duration.ofSeconds(1));
        UnikernelPodStatus none = new UnikernelPodStatus();
        UnikernelPodStatus pinning = status(Phase.Pending, null, condition("ImagePinned", "False", "Pinning"));

        clock.now = T0.plusMillis(200);
        assertThat(pacer.delay(ID, T0, none, pinning)).contains(Duration.ofMillis(800));
        clock.now = T0.plusMillis(1200);
        assertThat(pacer.delay(ID, T0, none, pinning)).isEmpty();
        assertThat(pacer.delay(
                        ID, T0, none, status(Phase.Pending, null, condition("ImagePinned", "False", "ImageNotFound"))))
                .as("a failed pin is written at once")
                .isEmpty();
    }

    @Test
    void zeroWritesEveryChange() {
        StatusPacer pacer = new StatusPacer(new Hands(), Duration.ZERO);
        pacer.written(ID);
        assertThat(pacer.delay(
                        ID,
                        T0,
                        status(Phase.Preparing, "web-1", condition("VolumeReady", "False", "ClaimPending")),
                        status(Phase.Preparing, "web-1", condition("VolumeReady", "True", "ClaimBound"))))
                .isEmpty();
    }
}
