package io.unibloc.operator.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which API server answers are Pod Security refusals of NET_ADMIN: the messages are the admission controller's
 * (kube-apiserver 1.2x, copied from real refusals), the other answers are what else a Pod create meets.
 */
class PodSecurityRefusalTest {

    private static Status forbidden(String message, String kind) {
        return new StatusBuilder()
                .withStatus("Failure")
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(message)
                .withNewDetails()
                .withName("web-0123456789")
                .withKind(kind)
                .endDetails()
                .build();
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(
                        "baseline, NET_ADMIN",
                        forbidden(
                                "pods \"web-0123456789\" is forbidden: violates PodSecurity \"baseline:latest\": non-default"
                                        + " capabilities (container \"sandbox\" must not include \"NET_ADMIN\" in"
                                        + " securityContext.capabilities.add)",
                                "pods"),
                        "baseline:latest",
                        true),
                Arguments.of(
                        "baseline, two capabilities, other checks too",
                        forbidden(
                                "pods \"web-0123456789\" is forbidden: violates PodSecurity \"baseline:v1.29\": non-default"
                                        + " capabilities (container \"sandbox\" must not include \"NET_ADMIN\", \"NET_RAW\" in"
                                        + " securityContext.capabilities.add), hostPath volumes (volume \"dev\")",
                                "pods"),
                        "baseline:v1.29",
                        true),
                Arguments.of(
                        "restricted, every violation listed",
                        forbidden(
                                "pods \"web-0123456789\" is forbidden: violates PodSecurity \"restricted:latest\":"
                                        + " unrestricted capabilities (container \"sandbox\" must set"
                                        + " securityContext.capabilities.drop=[\"ALL\"]; container \"sandbox\" must not include"
                                        + " \"NET_ADMIN\" in securityContext.capabilities.add), runAsNonRoot != true (pod or"
                                        + " container \"sandbox\" must set securityContext.runAsNonRoot=true)",
                                "pods"),
                        "restricted:latest",
                        true),
                Arguments.of(
                        "restricted, without NET_ADMIN (a passt Pod)",
                        forbidden(
                                "pods \"web-0123456789\" is forbidden: violates PodSecurity \"restricted:latest\":"
                                        + " unrestricted capabilities (container \"sandbox\" must set"
                                        + " securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or"
                                        + " container \"sandbox\" must set securityContext.runAsNonRoot=true)",
                                "pods"),
                        "restricted:latest",
                        false),
                Arguments.of(
                        "a policy webhook that mentions NET_ADMIN is not Pod Security",
                        forbidden(
                                "admission webhook \"validation.gatekeeper.sh\" denied the request: [psp-capabilities]"
                                        + " container <sandbox> has a disallowed capability NET_ADMIN; violates PodSecurity",
                                null),
                        null,
                        false),
                Arguments.of(
                        "RuntimeClass missing",
                        forbidden(
                                "pods \"web-0123456789\" is forbidden: pod rejected: RuntimeClass \"unibloc-kvm\" not found",
                                "pods"),
                        null,
                        false),
                Arguments.of(
                        "not about pods",
                        forbidden(
                                "pods \"web-0123456789\" is forbidden: violates PodSecurity \"baseline:latest\": non-default"
                                        + " capabilities (container \"sandbox\" must not include \"NET_ADMIN\" in"
                                        + " securityContext.capabilities.add)",
                                "deployments"),
                        null,
                        false),
                Arguments.of(
                        "422 with the same words",
                        new StatusBuilder()
                                .withCode(422)
                                .withReason("Invalid")
                                .withMessage("pods \"x\" is forbidden: violates PodSecurity \"baseline:latest\": "
                                        + "non-default capabilities (container \"sandbox\" must not include \"NET_ADMIN\""
                                        + " in securityContext.capabilities.add)")
                                .build(),
                        null,
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void classifies(String name, Status answer, String policy, boolean refusesNetAdmin) {
        Optional<PodSecurityRefusal> refusal = PodSecurityRefusal.from(answer);
        assertThat(refusal.map(PodSecurityRefusal::policy).orElse(null)).isEqualTo(policy);
        assertThat(refusal.map(r -> r.refusesCapability("NET_ADMIN")).orElse(false))
                .isEqualTo(refusesNetAdmin);
    }
}
