package io.unibloc.blockstore.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.ErrorKind;
import io.unibloc.blockstore.StoreException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VolumeIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"pvc-0b1c2d3e-1234-4567-89ab-cdef01234567", "a", "vol.1", "x_y", "9"})
    void acceptsDnsLikeIds(String id) {
        assertThat(VolumeIds.validate(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", ".", "../etc", "a/b", "/abs", "Upper", "-lead", "trail-", ".hidden", "a..b", "a b",
        "nul\0x", "ünï"})
    void refusesPathTricksAndOddCharacters(String id) {
        assertThatThrownBy(() -> VolumeIds.validate(id))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("invalid volume id");
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongIds() {
        assertThat(VolumeIds.validate("a".repeat(253))).hasSize(253);
        assertThatThrownBy(() -> VolumeIds.validate("a".repeat(254))).isInstanceOf(StoreException.class);
    }
}
