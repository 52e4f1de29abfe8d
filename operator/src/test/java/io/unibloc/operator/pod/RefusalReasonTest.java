package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.unibloc.operator.runtimeclass.RuntimeClasses;
import io.unibloc.testkit.kube.StrictApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A refused Pod is classified from the answer's code and reason and from whether its RuntimeClass exists, never from
 * the message: a webhook that mentions the (existing) RuntimeClass for another reason is no missing RuntimeClass, and
 * a missing one is found even when the message does not say so.
 */
class RefusalReasonTest {
    private static StrictApiServer api;
    private static RuntimeClasses runtimeClasses;

    @BeforeAll
    static void start() {
        api = StrictApiServer.start();
        api.createRuntimeClass("unibloc-kvm", "runc");
        runtimeClasses = RuntimeClasses.uncached(api.client());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void aWebhookThatNamesAnExistingRuntimeClassIsForbiddenNotMissing() {
        KubernetesClientException refused = forbidden("admission webhook \"policy.example.com\" denied the request:"
                + " RuntimeClass \"unibloc-kvm\" is not allowed in namespace apps");
        assertThat(RefusalReason.of(refused, "unibloc-kvm", runtimeClasses)).isEqualTo(RefusalReason.FORBIDDEN);
    }

    @Test
    void aMissingRuntimeClassIsFoundByReadingItWhateverTheMessageSays() {
        KubernetesClientException refused = forbidden("pods \"x\" is forbidden: something went wrong");
        assertThat(RefusalReason.of(refused, "unibloc-gone", runtimeClasses))
                .isEqualTo(RefusalReason.RUNTIME_CLASS_MISSING);
    }

    @Test
    void aRealRefusalOfTheStrictServerIsRuntimeClassMissing() {
        KubernetesClientException refused = null;
        try {
            api.client()
                    .pods()
                    .inNamespace("apps")
                    .resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                            .withNewMetadata()
                            .withName("p")
                            .endMetadata()
                            .withNewSpec()
                            .withRuntimeClassName("unibloc-gone")
                            .addNewContainer()
                            .withName("c")
                            .withImage("i")
                            .endContainer()
                            .endSpec()
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            refused = e;
        }
        assertThat(refused).isNotNull();
        assertThat(RefusalReason.of(refused, "unibloc-gone", runtimeClasses))
                .isEqualTo(RefusalReason.RUNTIME_CLASS_MISSING);
    }

    @Test
    void invalidIsInvalid() {
        KubernetesClientException invalid = new KubernetesClientException(new StatusBuilder()
                .withCode(422)
                .withReason("Invalid")
                .withMessage("Pod \"x\" is invalid: spec.runtimeClassName: Invalid value")
                .build());
        assertThat(RefusalReason.of(invalid, "unibloc-gone", runtimeClasses)).isEqualTo(RefusalReason.INVALID);
    }

    @Test
    void unknownRuntimeClassStateIsForbiddenNotAGuess() {
        // No permission to read RuntimeClasses (a 403 is not retried by the client, unlike a 5xx).
        api.dispatcher()
                .failNext(
                        "GET",
                        "/apis/node.k8s.io/v1/runtimeclasses/x",
                        1,
                        403,
                        "Forbidden",
                        "cannot get runtimeclasses");
        assertThat(RefusalReason.of(forbidden("RuntimeClass \"x\" not found"), "x", runtimeClasses))
                .isEqualTo(RefusalReason.FORBIDDEN);
    }

    private static KubernetesClientException forbidden(String message) {
        return new KubernetesClientException(new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(message)
                .build());
    }
}
