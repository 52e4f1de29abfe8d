package io.unibloc.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreImage;
import io.unibloc.api.v1alpha1.NodeStoreImagePhase;
import io.unibloc.api.v1alpha1.NodeStoreSpec;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.api.v1alpha1.UnikernelImage;
import io.unibloc.api.v1alpha1.UnikernelImageSpec;
import io.unibloc.api.v1alpha1.UnikernelImageStatus;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.registry.TestRegistry;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A UnikernelImage is pinned and counts the selected nodes whose node plugin reports it prepared. */
@QuarkusTest
@TestProfile(OperatorTestProfile.class)
@WithTestResource(StrictApi.class)
class UnikernelImageOperatorTest {
    private static final String NS = "images";
    private static TestRegistry registry;

    @Inject
    KubernetesClient client;

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private void node(String name, String kvm) {
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(Map.of("unibloc.io/kvm", kvm))
                        .endMetadata()
                        .build())
                .create();
        NodeStore store = new NodeStore();
        store.getMetadata().setName(name);
        NodeStoreSpec spec = new NodeStoreSpec();
        spec.setNode(name);
        store.setSpec(spec);
        client.resources(NodeStore.class).resource(store).create();
    }

    private void report(String node, String pinnedImage, NodeStoreImagePhase phase, String message) {
        client.resources(NodeStore.class).withName(node).editStatus(store -> {
            NodeStoreImage entry = new NodeStoreImage();
            entry.setNamespace(NS);
            entry.setName("app");
            entry.setPinnedImage(pinnedImage);
            entry.setPhase(phase);
            entry.setMessage(message);
            NodeStoreStatus status = store.getStatus() == null ? new NodeStoreStatus() : store.getStatus();
            status.setImages(new ArrayList<>(List.of(entry)));
            store.setStatus(status);
            return store;
        });
    }

    private UnikernelImageStatus awaitStatus(String what, Predicate<UnikernelImageStatus> condition) {
        AtomicReference<UnikernelImageStatus> last = new AtomicReference<>();
        await(what).atMost(Cluster.TIMEOUT).until(() -> {
            UnikernelImage uki = client.resources(UnikernelImage.class)
                    .inNamespace(NS)
                    .withName("app")
                    .get();
            last.set(uki.getStatus());
            return last.get() != null && condition.test(last.get());
        });
        return last.get();
    }

    private static String ready(UnikernelImageStatus s) {
        return s.getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(c -> c.getStatus() + "/" + c.getReason() + ": " + c.getMessage())
                .findFirst()
                .orElse("");
    }

    @Test
    void countsSelectedAndPreparedNodes() {
        node("node-a", "true");
        node("node-b", "true");
        node("node-c", "false");
        PushedImage image = Images.push(registry, "demo/prewarm", "1.0", "console=ttyS0");
        UnikernelImage uki = new UnikernelImage();
        uki.getMetadata().setName("app");
        uki.getMetadata().setNamespace(NS);
        UnikernelImageSpec spec = new UnikernelImageSpec();
        spec.setImage(image.reference());
        spec.setNodeSelector(Map.of("unibloc.io/kvm", "true"));
        uki.setSpec(spec);
        client.resources(UnikernelImage.class).resource(uki).create();

        UnikernelImageStatus pending = awaitStatus(
                "pinned, two nodes selected",
                s -> s.getImageDigest() != null && Integer.valueOf(2).equals(s.getNodesSelected()));
        assertThat(pending.getImageDigest()).isEqualTo(image.digest());
        assertThat(pending.getShortDigest()).isEqualTo(image.digest().substring(7, 19));
        assertThat(pending.getNodesReady()).isZero();
        assertThat(pending.getPendingNodes()).containsExactly("node-a", "node-b");
        assertThat(ready(pending)).startsWith("False/Preparing: 0 of 2");
        String pinned = pending.getPinnedImage();

        report("node-a", pinned, NodeStoreImagePhase.Ready, null);
        awaitStatus("node-a ready", s -> Integer.valueOf(1).equals(s.getNodesReady()));
        report("node-b", pinned, NodeStoreImagePhase.Failed, "layer sha256:ab.. is hostile: ../etc/passwd");
        UnikernelImageStatus failed = awaitStatus("node-b failed", s -> ready(s).startsWith("False/PreparationFailed"));
        assertThat(ready(failed)).contains("node node-b: layer sha256:ab.. is hostile");

        report("node-b", pinned, NodeStoreImagePhase.Ready, null);
        UnikernelImageStatus done = awaitStatus("all ready", s -> ready(s).startsWith("True/Prepared"));
        assertThat(done.getNodesReady()).isEqualTo(2);
        assertThat(done.getPendingNodes()).isNull();
        assertThat(done.getConditions()).extracting(Condition::getType).containsExactly("ImagePinned", "Ready");

        client.nodes().withName("node-c").edit(n -> {
            n.getMetadata().getLabels().put("unibloc.io/kvm", "true");
            return n;
        });
        UnikernelImageStatus relabelled =
                awaitStatus("node-c joins", s -> Integer.valueOf(3).equals(s.getNodesSelected()));
        assertThat(relabelled.getPendingNodes()).containsExactly("node-c");

        report("node-c", pinned.replace(image.digest(), "sha256:" + "0".repeat(64)), NodeStoreImagePhase.Ready, null);
        await().pollDelay(java.time.Duration.ofMillis(500))
                .atMost(Cluster.TIMEOUT)
                .until(() -> true);
        assertThat(client.resources(UnikernelImage.class)
                        .inNamespace(NS)
                        .withName("app")
                        .get()
                        .getStatus()
                        .getNodesReady())
                .as("a node that prepared another digest is not ready")
                .isEqualTo(2);
    }
}
