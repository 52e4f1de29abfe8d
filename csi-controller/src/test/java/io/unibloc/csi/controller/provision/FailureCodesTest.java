package io.unibloc.csi.controller.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.unibloc.api.v1alpha1.BlockVolumeReasons;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Failed BlockVolume's API reason decides CreateVolume's code. It used to be the engine's enum name parsed back
 * with {@code valueOf}; now the reasons are API constants and anything else is INTERNAL, never an exception.
 */
class FailureCodesTest {

    static Stream<Arguments> reasons() {
        return Stream.of(
                Arguments.of(BlockVolumeReasons.IMAGE_NOT_FOUND, Status.Code.NOT_FOUND),
                Arguments.of(BlockVolumeReasons.REGISTRY_AUTH_FAILED, Status.Code.UNAUTHENTICATED),
                Arguments.of(BlockVolumeReasons.REGISTRY_UNAVAILABLE, Status.Code.UNAVAILABLE),
                Arguments.of(BlockVolumeReasons.INVALID_SPEC, Status.Code.INVALID_ARGUMENT),
                Arguments.of(BlockVolumeReasons.STORE_FULL, Status.Code.RESOURCE_EXHAUSTED),
                Arguments.of(BlockVolumeReasons.VOLUME_CONFLICT, Status.Code.ALREADY_EXISTS),
                Arguments.of(BlockVolumeReasons.PRECONDITION_FAILED, Status.Code.FAILED_PRECONDITION),
                Arguments.of(BlockVolumeReasons.PREPARATION_FAILED, Status.Code.INTERNAL));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("reasons")
    void eachApiReasonHasItsCode(String reason, Status.Code code) {
        assertThat(FailureCodes.of(reason)).isEqualTo(code);
    }

    @Test
    void theTableCoversEveryDocumentedReason() {
        assertThat(reasons().map(a -> a.get()[0])).containsExactlyInAnyOrderElementsOf(BlockVolumeReasons.ALL);
    }

    @ParameterizedTest(name = "unknown reason [{0}]")
    @NullSource
    @ValueSource(strings = {"", "NOT_FOUND", "SomethingNew", "imagenotfound"})
    void anUnknownReasonIsInternalNotAnException(String reason) {
        assertThat(FailureCodes.of(reason)).isEqualTo(Status.Code.INTERNAL);
    }
}
