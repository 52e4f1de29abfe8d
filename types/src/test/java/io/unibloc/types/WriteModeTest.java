package io.unibloc.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WriteModeTest {

    @Test
    void parsesBothModesAndDefaultsToPersistent() {
        assertThat(WriteMode.parse("ephemeral")).isEqualTo(WriteMode.EPHEMERAL);
        assertThat(WriteMode.parse(" Persistent ")).isEqualTo(WriteMode.PERSISTENT);
        assertThat(WriteMode.parse(null)).isEqualTo(WriteMode.PERSISTENT);
        assertThat(WriteMode.parse("")).isEqualTo(WriteMode.PERSISTENT);
    }

    @Test
    void rejectsAnUnknownModeNamingTheKeyAndValue() {
        assertThatThrownBy(() -> WriteMode.parse("scratch"))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("unibloc.io/write-mode")
                .hasMessageContaining("scratch");
    }
}
