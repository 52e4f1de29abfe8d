package io.unibloc.blockstore.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    @Test
    void aToolIsStoppedAtTheCallsDeadlineAndSaysSo() {
        Instant deadline = Instant.now().plusMillis(300);
        assertThatThrownBy(() -> Deadlines.within(deadline, () -> Exec.run(List.of("sleep", "20"))))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                .hasMessageContaining("deadline")
                .hasMessageContaining("sleep 20");
        assertThat(Deadlines.current()).as("the scope ends with the call").isEmpty();
    }

    @Test
    void aPassedDeadlineRunsNothingAndNestedScopesKeepTheEarlierOne() {
        Instant past = Instant.now().minusSeconds(1);
        assertThatThrownBy(() -> Deadlines.within(past, () -> Exec.run(List.of("true"))))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
        Instant early = Instant.now().plusSeconds(60);
        Deadlines.within(
                early,
                () -> Deadlines.within(
                        early.plusSeconds(600),
                        () -> assertThat(Deadlines.current()).contains(early)));
        assertThat(Exec.run(List.of("true")).ok()).isTrue();
        assertThat(Deadlines.bound(Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
    }
}
