package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** The checks the chart tests rely on catch what they claim to catch. */
class UnknownFieldsTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
            spec:
              selector:
                matchLabels: {app: demo}
              template:
                metadata:
                  labels: {app: demo}
                spec:
                  containers:
                    - name: demo
                      image: demo:1
                      securityContex:
                        privileged: false
                      volumeMounts:
                        - name: data
                          mountPath: /data
                          propagation: Bidirectional
            """;

    @Test
    void misspeltAndMisplacedKeysAreFoundWithTheirPath() {
        RenderedChart parsed = RenderedChart.parse("typos", DEPLOYMENT);

        assertThat(parsed.objects()).singleElement().isInstanceOf(Deployment.class);
        assertThat(UnknownFields.in(parsed.objects().get(0)))
                .containsExactlyInAnyOrder(
                        "spec.template.spec.containers[0]: [securityContex]",
                        "spec.template.spec.containers[0].volumeMounts[0]: [propagation]");
    }

    @Test
    void cleanObjectHasNoUnknownFields() {
        String clean = DEPLOYMENT
                .replace("securityContex:", "securityContext:")
                .replace("propagation: Bidirectional", "mountPropagation: Bidirectional");

        assertThat(UnknownFields.in(
                        RenderedChart.parse("clean", clean).objects().get(0)))
                .isEmpty();
    }

    @Test
    void unknownApiVersionBecomesGenericSoTheKindCheckSeesIt() {
        RenderedChart parsed = RenderedChart.parse("old-api", DEPLOYMENT.replace("apps/v1", "apps/v1beta9"));

        assertThat(parsed.objects()).singleElement().isInstanceOf(GenericKubernetesResource.class);
    }

    @Test
    void unparsableDocumentNamesItsTemplate() {
        String broken = "---\n# Source: unibloc/templates/broken.yaml\napiVersion: v1\nkind: Service\nmetadata: [\n";

        assertThatThrownBy(() -> RenderedChart.parse("broken", broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unibloc/templates/broken.yaml");
    }
}
