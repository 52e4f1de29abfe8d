package io.unibloc.csi.node.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.unibloc.api.wire.NodeLabels;
import io.unibloc.csi.node.MockApi;
import io.unibloc.testkit.kube.StrictApiDispatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Node labels are desired state: a conflict or a server error on the first tries (as on a fresh node whose kubelet
 * and csi-controller update the same Node) never leaves the node unlabelled, a Node that registers late gets them,
 * and labels someone removes come back. Against the strict API server with injected faults.
 */
class NodeLabelerTest {
    private static final NodeLabeler.Settings FAST =
            new NodeLabeler.Settings(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(300));
    private static final KvmState TCG = new KvmState(false, KvmState.Reason.NoDevice, "no /dev/kvm", Duration.ZERO);
    private static MockApi api;

    @BeforeAll
    static void start() {
        api = new MockApi();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void a409AndA500OnTheFirstPatchesAreRetriedUntilTheNodeShowsTheLabels() {
        String node = "conflicted";
        createNode(node);
        String path = "/api/v1/nodes/" + node;
        api.server
                .dispatcher()
                .failNext(
                        "PATCH",
                        path,
                        1,
                        409,
                        "Conflict",
                        "Operation cannot be fulfilled on nodes" + " \"" + node
                                + "\": the object has been modified; please apply your changes to the latest version");
        api.server.dispatcher().failNext("PATCH", path, 1, 500, "InternalError", "etcdserver: request timed out");
        try (NodeLabeler labeler = new NodeLabeler(api.client, node, FAST)) {
            assertThat(labeler.label(TCG)).as("the first try met the 409").isFalse();
            await().atMost(Duration.ofSeconds(20)).until(() -> hasLabels(node));
        }
        List<StrictApiDispatcher.Write> patches = api.server.dispatcher().requests().stream()
                .filter(w -> w.method().equals("PATCH") && w.path().startsWith(path))
                .toList();
        assertThat(patches).hasSizeGreaterThanOrEqualTo(3);
        assertThat(patches).allSatisfy(w -> {
            assertThat(w.contentType()).isEqualTo("application/merge-patch+json");
            assertThat(w.body()).doesNotContain("resourceVersion").contains("\"unibloc.io/node\":\"true\"");
        });
    }

    @Test
    void aNodeThatRegistersLateIsLabelledWhenItAppears() {
        String node = "late";
        try (NodeLabeler labeler = new NodeLabeler(api.client, node, FAST)) {
            assertThat(labeler.label(TCG)).isFalse();
            createNode(node);
            await().atMost(Duration.ofSeconds(20)).until(() -> hasLabels(node));
        }
    }

    @Test
    void removedLabelsComeBack() {
        String node = "relabelled";
        createNode(node);
        try (NodeLabeler labeler = new NodeLabeler(api.client, node, FAST)) {
            assertThat(labeler.label(TCG)).isTrue();
            api.client
                    .nodes()
                    .withName(node)
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"labels\":{\"unibloc.io/node\":null,\"unibloc.io/kvm\":null}}}");
            assertThat(hasLabels(node)).isFalse();
            await().atMost(Duration.ofSeconds(20)).until(() -> hasLabels(node));
        }
    }

    private static void createNode(String name) {
        api.client
                .nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .addToLabels("kubernetes.io/hostname", name)
                        .endMetadata()
                        .build())
                .create();
    }

    private static boolean hasLabels(String node) {
        var n = api.client.nodes().withName(node).get();
        Map<String, String> labels = n == null ? null : n.getMetadata().getLabels();
        return labels != null
                && "false".equals(labels.get(NodeLabels.KVM))
                && "tcg".equals(labels.get(NodeLabels.ACCEL))
                && "true".equals(labels.get(NodeLabels.NODE))
                && node.equals(labels.get("kubernetes.io/hostname")); // the kubelet's own labels stay
    }
}
