package io.unibloc.csi.controller.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreSpec;
import io.unibloc.csi.controller.MockApi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A deleted Node's BlockVolumes and NodeStore do not outlive it (they used to keep their finalizer forever). */
class NodeCleanupTest {
    private static MockApi api;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        api = new MockApi();
        client = api.client;
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static void node(String name) {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .build())
                .create();
    }

    private static void store(String node) {
        NodeStore store = new NodeStore();
        store.getMetadata().setName(node);
        NodeStoreSpec spec = new NodeStoreSpec();
        spec.setNode(node);
        spec.setStoreDir("/var/lib/unibloc");
        store.setSpec(spec);
        client.resources(NodeStore.class).resource(store).create();
    }

    private static void volume(String name, String node) {
        BlockVolume bv = new BlockVolume();
        bv.getMetadata().setName(name);
        bv.getMetadata().setLabels(Map.of(BlockVolume.NODE_LABEL, node));
        // What the node plugin adds while it holds storage for the record.
        bv.getMetadata().setFinalizers(List.of(BlockVolume.STORAGE_FINALIZER));
        BlockVolumeSpec spec = new BlockVolumeSpec();
        spec.setNode(node);
        bv.setSpec(spec);
        client.resources(BlockVolume.class).resource(bv).create();
    }

    @Test
    void aDeletedNodesVolumesAndStoreAreReleasedThenTheNodeGoes() {
        node("gone-1");
        store("gone-1");
        volume("pvc-gone-a", "gone-1");
        volume("pvc-gone-b", "gone-1");
        node("kept-1");
        store("kept-1");
        volume("pvc-kept", "kept-1");
        node("bare-1");
        try (NodeCleanup cleanup =
                new NodeCleanup(client, Duration.ofMillis(100), Duration.ofSeconds(1)).start(Duration.ofSeconds(30))) {
            await("finalizers on the nodes with storage")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> finalizers("gone-1").contains(NodeCleanup.FINALIZER)
                            && finalizers("kept-1").contains(NodeCleanup.FINALIZER));
            assertThat(finalizers("bare-1")).doesNotContain(NodeCleanup.FINALIZER);

            client.nodes().withName("gone-1").delete();
            await("the deleted node and everything it held are gone")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> client.nodes().withName("gone-1").get() == null
                            && client.resources(NodeStore.class)
                                            .withName("gone-1")
                                            .get()
                                    == null
                            && client.resources(BlockVolume.class)
                                            .withName("pvc-gone-a")
                                            .get()
                                    == null
                            && client.resources(BlockVolume.class)
                                            .withName("pvc-gone-b")
                                            .get()
                                    == null);
        }
        assertThat(client.resources(BlockVolume.class).withName("pvc-kept").get())
                .isNotNull();
        assertThat(client.resources(NodeStore.class).withName("kept-1").get()).isNotNull();
        assertThat(client.nodes().withName("kept-1").get()).isNotNull();
    }

    @Test
    void aNodeThatVanishedWithoutTheFinalizerIsCleanedUpToo() {
        store("vanished-1");
        volume("pvc-vanished", "vanished-1");
        new NodeCleanup(client, Duration.ofMillis(100), Duration.ofSeconds(1)).handle("vanished-1");
        assertThat(client.resources(BlockVolume.class).withName("pvc-vanished").get())
                .isNull();
        assertThat(client.resources(NodeStore.class).withName("vanished-1").get())
                .isNull();
    }

    @Test
    void aNodeWithoutUniblocStorageLosesTheFinalizerTheControllerNoLongerNeeds() {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("left-1")
                        .withFinalizers(NodeCleanup.FINALIZER, "example.com/other")
                        .endMetadata()
                        .build())
                .create();

        new NodeCleanup(client, Duration.ofMillis(100), Duration.ofSeconds(1)).handle("left-1");

        assertThat(finalizers("left-1")).containsExactly("example.com/other");
    }

    /** What the chart's uninstall hook runs ({@code csi-controller --remove-node-finalizers}). */
    @Test
    void uninstallTakesTheFinalizerOffEveryNodeAndFinishesNodesBeingDeleted() {
        try (MockApi own = new MockApi()) {
            KubernetesClient kube = own.client;
            for (String name : List.of("live-1", "dying-1", "bare-2")) {
                kube.nodes()
                        .resource(new NodeBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withFinalizers(name.startsWith("bare") ? List.of() : List.of(NodeCleanup.FINALIZER))
                                .endMetadata()
                                .build())
                        .create();
            }
            NodeStore liveStore = new NodeStore();
            liveStore.getMetadata().setName("live-1");
            liveStore.setSpec(new NodeStoreSpec());
            kube.resources(NodeStore.class).resource(liveStore).create();
            BlockVolume dyingVolume = new BlockVolume();
            dyingVolume.getMetadata().setName("pvc-dying");
            dyingVolume.getMetadata().setLabels(Map.of(BlockVolume.NODE_LABEL, "dying-1"));
            dyingVolume.getMetadata().setFinalizers(List.of(BlockVolume.STORAGE_FINALIZER));
            kube.resources(BlockVolume.class).resource(dyingVolume).create();
            kube.nodes().withName("dying-1").delete(); // held by the finalizer: Terminating
            assertThat(kube.nodes().withName("dying-1").get().getMetadata().getDeletionTimestamp())
                    .isNotNull();
            NodeCleanup cleanup = new NodeCleanup(kube, Duration.ofMillis(100), Duration.ofSeconds(1));

            assertThat(cleanup.removeFinalizers()).isEqualTo(2);

            Node live = kube.nodes().withName("live-1").get();
            assertThat(live.getMetadata().getFinalizers()).doesNotContain(NodeCleanup.FINALIZER);
            assertThat(kube.resources(NodeStore.class).withName("live-1").get())
                    .as("a live node's storage record stays for a reinstall")
                    .isNotNull();
            assertThat(kube.nodes().withName("dying-1").get()).isNull();
            assertThat(kube.resources(BlockVolume.class).withName("pvc-dying").get())
                    .isNull();
            assertThat(cleanup.removeFinalizers())
                    .as("a second pass finds none")
                    .isZero();
        }
    }

    private static List<String> finalizers(String node) {
        Node n = client.nodes().withName(node).get();
        return n == null || n.getMetadata().getFinalizers() == null
                ? List.of()
                : n.getMetadata().getFinalizers();
    }
}
