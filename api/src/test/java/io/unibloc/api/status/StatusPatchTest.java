package io.unibloc.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The merge patch body: whole status, lists replaced, fields that went away sent as null. */
class StatusPatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFirstWriteSendsTheWholeStatus() throws Exception {
        UnikernelPodStatus next = new UnikernelPodStatus();
        next.setPhase(Phase.Pending);
        JsonNode body = JSON.readTree(StatusPatch.body(null, next));
        assertThat(body.path("status").path("phase").asText()).isEqualTo("Pending");
        assertThat(body.fieldNames()).toIterable().containsExactly("status");
    }

    @Test
    void fieldsThatWentAwayAreNulledAndListsReplaced() throws Exception {
        UnikernelPodStatus before = new UnikernelPodStatus();
        before.setPhase(Phase.Running);
        before.setNodeName("node-1");
        before.setPodName("web-1");
        before.setConditions(List.of(
                new ConditionBuilder().withType("Ready").withStatus("True").build(),
                new ConditionBuilder().withType("Scheduled").withStatus("True").build()));
        UnikernelPodStatus after = StatusPatch.copy(before);
        after.setPhase(Phase.Preparing);
        after.setNodeName(null);
        after.setPodName(null);
        after.setConditions(List.of(
                new ConditionBuilder().withType("Ready").withStatus("False").build()));

        JsonNode status = JSON.readTree(StatusPatch.body(before, after)).path("status");
        assertThat(status.path("phase").asText()).isEqualTo("Preparing");
        assertThat(status.has("nodeName")).isTrue();
        assertThat(status.get("nodeName").isNull()).isTrue();
        assertThat(status.get("podName").isNull()).isTrue();
        assertThat(status.path("conditions")).hasSize(1);
        assertThat(before.getNodeName()).as("the copy is independent").isEqualTo("node-1");
    }

    @Test
    void clearingTheStatusSendsNull() throws Exception {
        UnikernelPodStatus before = new UnikernelPodStatus();
        before.setPhase(Phase.Running);
        assertThat(JSON.readTree(StatusPatch.body(before, null)).get("status").isNull())
                .isTrue();
    }
}
