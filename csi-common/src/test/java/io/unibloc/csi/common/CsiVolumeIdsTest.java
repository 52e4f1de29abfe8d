package io.unibloc.csi.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsiVolumeIdsTest {
    @Test
    void provisionerNamesAreKept() {
        assertThat(CsiVolumeIds.fromRequestName("pvc-3f2a9c1e-1b2c-4d5e-8f90-123456789abc"))
                .isEqualTo("pvc-3f2a9c1e-1b2c-4d5e-8f90-123456789abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sanity-Volume", "../../etc/passwd", "a b", "ubv-looks-hashed", "x.y", "-lead", "trail-"})
    void otherNamesAreHashedToValidStableIds(String name) {
        String id = CsiVolumeIds.fromRequestName(name);
        assertThat(id).startsWith("ubv-").hasSize(44).isEqualTo(CsiVolumeIds.fromRequestName(name));
        assertThat(CsiVolumeIds.isValid(id)).isTrue();
    }

    @Test
    void longNamesAreHashedAndDistinctNamesGiveDistinctIds() {
        String a = CsiVolumeIds.fromRequestName("a".repeat(128));
        String b = CsiVolumeIds.fromRequestName("a".repeat(127) + "b");
        assertThat(a).isNotEqualTo(b);
        assertThat(CsiVolumeIds.isValid(a)).isTrue();
    }

    @Test
    void validityIsADnsLabel() {
        assertThat(CsiVolumeIds.isValid("pvc-1")).isTrue();
        assertThat(CsiVolumeIds.isValid("a".repeat(63))).isTrue();
        assertThat(CsiVolumeIds.isValid("a".repeat(64))).isFalse();
        assertThat(CsiVolumeIds.isValid("PVC")).isFalse();
        assertThat(CsiVolumeIds.isValid("a/b")).isFalse();
        assertThat(CsiVolumeIds.isValid("")).isFalse();
        assertThat(CsiVolumeIds.isValid(null)).isFalse();
        assertThatThrownBy(() -> CsiVolumeIds.fromRequestName("")).isInstanceOf(IllegalArgumentException.class);
    }
}
