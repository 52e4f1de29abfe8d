package io.unibloc.csi.node.nodestore;

import static io.unibloc.csi.node.NodeHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreImage;
import io.unibloc.api.v1alpha1.NodeStoreImagePhase;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.api.wire.NodeLabels;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.node.FakeBlockStore;
import io.unibloc.csi.node.MockApi;
import io.unibloc.csi.node.NodeHarness;
import io.unibloc.csi.node.prewarm.PrewarmController;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The node plugin's NodeStore report, pre-warming of UnikernelImages and the KVM node label, against the mock API server. */
class NodeStoreAndPrewarmTest {
    private static MockApi api;
    private static KubernetesClient client;

    @BeforeAll
    static void api() {
        api = new MockApi();
        client = api.client;
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(NODE)
                        .addToLabels("pool", "fast")
                        .endMetadata()
                        .build())
                .create();
    }

    @AfterAll
    static void apiDown() {
        api.close();
    }

    private static GenericKubernetesResource unikernelImage(
            String ns, String name, String image, Map<String, String> selector) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(PrewarmController.API_VERSION)
                .withKind(PrewarmController.KIND)
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .addToAdditionalProperties("spec", Map.of("image", image, "fsType", "ext4", "nodeSelector", selector))
                .build();
    }

    @Test
    void aNodeStoreCreatedWithoutStatusGetsItsStatusByMergePatch() {
        String node = "fresh-node";
        NodeStoreReporter reporter = new NodeStoreReporter(
                client,
                new FakeBlockStore(),
                node,
                Path.of("/var/lib/unibloc"),
                List::of,
                Optional::empty,
                Clock.systemUTC(),
                Duration.ofMinutes(10),
                new SimpleMeterRegistry());
        try (reporter) {
            NodeStore written = reporter.report();
            assertThat(written.getStatus().getBackend()).isEqualTo("fake");
        }
        NodeStore stored = client.resources(NodeStore.class).withName(node).get();
        assertThat(stored.getStatus().getConditions())
                .filteredOn(c -> c.getType().equals("Ready"))
                .singleElement()
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("StoreUsable"));
        assertThat(api.server.dispatcher().requests())
                .filteredOn(w -> w.path().endsWith("/nodestores"))
                .anySatisfy(w -> assertThat(w.body()).doesNotContain("\"status\":{"));
        assertThat(api.server.dispatcher().requests())
                .filteredOn(w -> w.path().contains("/nodestores/" + node + "/status"))
                .singleElement()
                .satisfies(w -> assertThat(w.contentType()).isEqualTo("application/merge-patch+json"));
    }

    @Test
    void aStoreOnTheCopyBackendSaysEveryVolumeIsAFullCopy() {
        FakeBlockStore copying = new FakeBlockStore();
        copying.backend = new BlockStore.BackendInfo("copy", "configured: --store-backend=copy", false);
        try (NodeStoreReporter reporter = new NodeStoreReporter(
                client,
                copying,
                "copy-node",
                Path.of("/var/lib/unibloc"),
                List::of,
                Optional::empty,
                Clock.systemUTC(),
                Duration.ofMinutes(10),
                new SimpleMeterRegistry())) {
            NodeStore first = reporter.report();
            Condition cow = condition(first, NodeStoreStatus.CONDITION_COPY_ON_WRITE);
            assertThat(cow.getStatus()).isEqualTo("False");
            assertThat(cow.getReason()).isEqualTo("FullCopies");
            assertThat(cow.getMessage()).contains("copy", "--store-backend=copy");

            copying.backend = new BlockStore.BackendInfo("xfs-loop", "automatic", true);
            Condition shared = condition(reporter.report(), NodeStoreStatus.CONDITION_COPY_ON_WRITE);
            assertThat(shared.getStatus()).isEqualTo("True");
            assertThat(shared.getReason()).isEqualTo("SharedBlocks");
        }
    }

    @Test
    void theCopyOnWriteConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
        Hands clock = new Hands(Instant.parse("2026-12-01T00:00:00Z"));
        FakeBlockStore fake = new FakeBlockStore();
        fake.backend = new BlockStore.BackendInfo("reflink", "probed", true);
        try (NodeStoreReporter reporter = new NodeStoreReporter(
                client,
                fake,
                "cow-times-node",
                Path.of("/var/lib/unibloc"),
                List::of,
                Optional::empty,
                clock,
                Duration.ofMinutes(10),
                new SimpleMeterRegistry())) {
            Condition first = condition(reporter.report(), NodeStoreStatus.CONDITION_COPY_ON_WRITE);
            clock.now = Instant.parse("2026-12-01T01:00:00Z");
            Condition again = condition(reporter.report(), NodeStoreStatus.CONDITION_COPY_ON_WRITE);
            clock.now = Instant.parse("2026-12-01T02:00:00Z");
            fake.backend = new BlockStore.BackendInfo("copy", "configured", false);
            NodeStore flippedStore = reporter.report();
            Condition flipped = condition(flippedStore, NodeStoreStatus.CONDITION_COPY_ON_WRITE);

            assertThat(first.getLastTransitionTime()).isEqualTo("2026-12-01T00:00:00Z");
            assertThat(again.getLastTransitionTime()).isEqualTo("2026-12-01T00:00:00Z");
            assertThat(flipped.getLastTransitionTime()).isEqualTo("2026-12-01T02:00:00Z");
            assertThat(condition(flippedStore, NodeStoreStatus.CONDITION_READY).getLastTransitionTime())
                    .as("Ready held True throughout")
                    .isEqualTo("2026-12-01T00:00:00Z");
            assertThat(flippedStore.getStatus().getConditions())
                    .extracting(Condition::getType)
                    .as("no KVM answer yet: no KvmUsable")
                    .containsExactly(NodeStoreStatus.CONDITION_READY, NodeStoreStatus.CONDITION_COPY_ON_WRITE);
        }
    }

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now;

        Hands(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static Condition condition(NodeStore store, String type) {
        return store.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no " + type + " condition in " + store.getStatus().getConditions()));
    }

    @Test
    void reportsStoreFiguresPrewarmedImagesAndKvm() throws Exception {
        client.genericKubernetesResources(PrewarmController.CONTEXT)
                .inNamespace("apps")
                .resource(unikernelImage("apps", "web", "127.0.0.1:5000/web:1", Map.of("pool", "fast")))
                .create();
        client.genericKubernetesResources(PrewarmController.CONTEXT)
                .inNamespace("apps")
                .resource(unikernelImage("apps", "elsewhere", "127.0.0.1:5000/other:1", Map.of("pool", "slow")))
                .create();
        client.genericKubernetesResources(PrewarmController.CONTEXT)
                .inNamespace("apps")
                .resource(unikernelImage("apps", "broken", "127.0.0.1:5000/missing:1", Map.of()))
                .create();
        FakeBlockStore store = new FakeBlockStore();
        try (NodeHarness h = new NodeHarness(client, store)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                NodeStore ns = client.resources(NodeStore.class).withName(NODE).get();
                return ns != null
                        && ns.getStatus() != null
                        && ns.getStatus().getImages().size() == 2
                        && ns.getStatus().getImages().stream()
                                .noneMatch(i -> i.getPhase() == NodeStoreImagePhase.Preparing)
                        && ns.getStatus().getKvm() != null;
            });
            NodeStore ns = client.resources(NodeStore.class).withName(NODE).get();
            assertThat(ns.getSpec().getNode()).isEqualTo(NODE);
            assertThat(ns.getStatus().getBackend()).isEqualTo("fake");
            assertThat(ns.getStatus().getCapacityBytes()).isEqualTo(10L << 30);
            assertThat(ns.getStatus().getFreeBytes()).isEqualTo(8L << 30);
            assertThat(Instant.parse(ns.getStatus().getUpdatedAt()))
                    .isAfter(Instant.now().minusSeconds(60));
            assertThat(ns.getStatus().getKvm()).isFalse();
            Optional<NodeStoreImage> web = ns.getStatus().getImages().stream()
                    .filter(i -> i.getName().equals("web"))
                    .findFirst();
            assertThat(web).hasValueSatisfying(i -> {
                assertThat(i.getPhase()).isEqualTo(NodeStoreImagePhase.Ready);
                assertThat(i.getPinnedImage()).startsWith("127.0.0.1:5000/web:1@sha256:");
            });
            assertThat(ns.getStatus().getImages())
                    .filteredOn(i -> i.getName().equals("broken"))
                    .singleElement()
                    .satisfies(i -> {
                        assertThat(i.getPhase()).isEqualTo(NodeStoreImagePhase.Failed);
                        assertThat(i.getMessage()).contains("not found");
                    });
            assertThat(ns.getStatus().getImages()).noneMatch(i -> i.getName().equals("elsewhere"));
            assertThat(ns.getStatus().getCachedImages()).anyMatch(c -> c.startsWith("127.0.0.1:5000/web:1@sha256:"));
            assertThat(ns.getStatus().getConditions())
                    .anySatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
            assertThat(client.nodes().withName(NODE).get().getMetadata().getLabels())
                    .containsEntry(NodeLabels.KVM, "false");
        }
    }
}
