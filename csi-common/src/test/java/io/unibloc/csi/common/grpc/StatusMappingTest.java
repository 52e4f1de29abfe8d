package io.unibloc.csi.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class StatusMappingTest {
    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void everyStoreKindHasItsCodeAndKeepsTheMessage(ErrorKind kind) {
        Status status = StatusMapping.toStatus(new StoreException(kind, "volume pvc-1: something"));
        assertThat(status.getCode().name()).isEqualTo(kind.name());
        assertThat(status.getDescription()).isEqualTo("volume pvc-1: something");
    }

    static Stream<Arguments> others() {
        return Stream.of(
                Arguments.of(new KubernetesClientException("gone", 404, null), Status.Code.NOT_FOUND),
                Arguments.of(new KubernetesClientException("conflict", 409, null), Status.Code.ABORTED),
                Arguments.of(new KubernetesClientException("forbidden", 403, null), Status.Code.PERMISSION_DENIED),
                Arguments.of(new KubernetesClientException("invalid", 422, null), Status.Code.INVALID_ARGUMENT),
                Arguments.of(new KubernetesClientException("down", 503, null), Status.Code.UNAVAILABLE),
                Arguments.of(new KubernetesClientException("refused"), Status.Code.UNAVAILABLE),
                Arguments.of(new IllegalStateException("bug"), Status.Code.INTERNAL),
                Arguments.of(new NullPointerException(), Status.Code.INTERNAL),
                // Not validated input: a parse failure deep inside is a fault to retry, not the caller's final answer.
                Arguments.of(new NumberFormatException("For input string: \"x\""), Status.Code.INTERNAL),
                Arguments.of(new IllegalArgumentException("bug"), Status.Code.INTERNAL),
                Arguments.of(StoreException.invalid("size: not a number"), Status.Code.INVALID_ARGUMENT),
                Arguments.of(new CompletionException(StoreException.notFound("x")), Status.Code.NOT_FOUND),
                Arguments.of(Status.UNKNOWN.withDescription("raw").asRuntimeException(), Status.Code.INTERNAL),
                Arguments.of(Status.ABORTED.withDescription("pending").asRuntimeException(), Status.Code.ABORTED));
    }

    @ParameterizedTest
    @MethodSource("others")
    void otherFailuresMapAndNeverToUnknown(Throwable failure, Status.Code expected) {
        Status status = StatusMapping.toStatus(failure);
        assertThat(status.getCode()).isEqualTo(expected);
        assertThat(status.getDescription()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(Status.Code.class)
    void normaliseNeverLeavesUnknown(Status.Code code) {
        Status status = StatusMapping.normalise(Status.fromCode(code).withCause(new IllegalStateException("cause")));
        assertThat(status.getCode()).isNotEqualTo(Status.Code.UNKNOWN);
        if (code != Status.Code.UNKNOWN) {
            assertThat(status.getCode()).isEqualTo(code);
        }
    }
}
