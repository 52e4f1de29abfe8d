package io.unibloc.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VolumeSizesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "nothing asked: the image, 0, 0, 5000000, 5000000",
        "less than the image: the image, 1048576, 0, 5000000, 5000000",
        "more than the image: rounded up to a MiB, 10000000, 0, 5000000, 10485760",
        "rounding stops at the limit, 10000000, 10000001, 5000000, 10000001",
        "limit equal to required, 10000000, 10000000, 5000000, 10000000",
        "exactly a MiB multiple, 10485760, 0, 5000000, 10485760",
    })
    void neverSmallerThanAskedNorThanTheImage(String name, long required, long limit, long image, long expected) {
        long size = VolumeSizes.effective("v", required, limit, image);
        assertThat(size).isEqualTo(expected).isGreaterThanOrEqualTo(required).isGreaterThanOrEqualTo(image);
        if (limit > 0) {
            assertThat(size).isLessThanOrEqualTo(limit);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "image above the limit, 0, 4194304, 5000000",
        "required above the limit, 9000000, 8000000, 5000000",
        "negative, -1, 0, 5000000",
    })
    void impossibleRequestsAreInvalidAndNameTheVolume(String name, long required, long limit, long image) {
        assertThatThrownBy(() -> VolumeSizes.effective("pvc-7", required, limit, image))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("pvc-7");
    }
}
