package io.unibloc.blockstore.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VolumeIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"pvc-0b1c2d3e-1234-4567-89ab-cdef01234567", "a", "vol.1", "x_y", "9"})
    void acceptsDnsLikeIds(String id) {
        assertThat(VolumeIds.validate(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "", "..", ".", "../etc", "a/b", "/abs", "Upper", "-lead", "trail-", ".hidden", "a..b", "a b", "nul\0x",
                "ünï"
            })
    void refusesPathTricksAndOddCharacters(String id) {
        assertThatThrownBy(() -> VolumeIds.validate(id))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("invalid volume id");
    }

    @org.junit.jupiter.api.Test
    void capsTheLengthSoThatEveryDerivedNameFitsNameMax() {
        assertThat(VolumeIds.MAX_LENGTH).isEqualTo(213); // ".tmp-" + id + "-" + uuid(36) = id + 42 <= 255
        String longest = "a".repeat(VolumeIds.MAX_LENGTH);
        assertThat(VolumeIds.validate(longest)).hasSize(VolumeIds.MAX_LENGTH);
        assertThat((".tmp-" + longest + "-" + java.util.UUID.randomUUID())
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(255);
        for (int length : new int[] {VolumeIds.MAX_LENGTH + 1, 253, 254, 1000}) {
            assertThatThrownBy(() -> VolumeIds.validate("a".repeat(length)))
                    .isInstanceOfSatisfying(
                            StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                    .hasMessageContaining(length + " characters")
                    .hasMessageContaining("at most 213");
        }
    }

    @org.junit.jupiter.api.Test
    void theLongestIdMakesRealNamesOnDisk(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String longest = "b".repeat(VolumeIds.MAX_LENGTH);
        java.nio.file.Files.createDirectory(dir.resolve(".tmp-" + longest + "-" + java.util.UUID.randomUUID()));
        java.nio.file.Files.createDirectory(dir.resolve(".del-" + longest + "-" + java.util.UUID.randomUUID()));
        java.nio.file.Files.createFile(dir.resolve(VolumeManager.lockKey(longest) + ".lock"));
        assertThatThrownBy(() -> java.nio.file.Files.createDirectory(
                        dir.resolve(".tmp-" + longest + "x-" + java.util.UUID.randomUUID())))
                .as("one more character is too long for the file system")
                .isInstanceOf(java.io.IOException.class);
    }
}
