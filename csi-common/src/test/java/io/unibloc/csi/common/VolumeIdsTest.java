package io.unibloc.csi.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VolumeIdsTest {
    @Test
    void provisionerNamesAreKept() {
        assertThat(VolumeIds.fromRequestName("pvc-3f2a9c1e-1b2c-4d5e-8f90-123456789abc"))
                .isEqualTo("pvc-3f2a9c1e-1b2c-4d5e-8f90-123456789abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sanity-Volume", "../../etc/passwd", "a b", "ubv-looks-hashed", "x.y", "-lead", "trail-"})
    void otherNamesAreHashedToValidStableIds(String name) {
        String id = VolumeIds.fromRequestName(name);
        assertThat(id).startsWith("ubv-").hasSize(44).isEqualTo(VolumeIds.fromRequestName(name));
        assertThat(VolumeIds.isValid(id)).isTrue();
    }

    @Test
    void longNamesAreHashedAndDistinctNamesGiveDistinctIds() {
        String a = VolumeIds.fromRequestName("a".repeat(128));
        String b = VolumeIds.fromRequestName("a".repeat(127) + "b");
        assertThat(a).isNotEqualTo(b);
        assertThat(VolumeIds.isValid(a)).isTrue();
    }

    @Test
    void validityIsADnsLabel() {
        assertThat(VolumeIds.isValid("pvc-1")).isTrue();
        assertThat(VolumeIds.isValid("a".repeat(63))).isTrue();
        assertThat(VolumeIds.isValid("a".repeat(64))).isFalse();
        assertThat(VolumeIds.isValid("PVC")).isFalse();
        assertThat(VolumeIds.isValid("a/b")).isFalse();
        assertThat(VolumeIds.isValid("")).isFalse();
        assertThat(VolumeIds.isValid(null)).isFalse();
        assertThatThrownBy(() -> VolumeIds.fromRequestName("")).isInstanceOf(IllegalArgumentException.class);
    }
}
