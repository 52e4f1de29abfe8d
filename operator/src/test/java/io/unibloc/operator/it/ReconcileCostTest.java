package io.unibloc.operator.it;

import static io.unibloc.operator.it.Cluster.condition;
import static io.unibloc.operator.it.Cluster.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.api.v1alpha1.pod.RestartPolicy;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.kube.RequestTally;
import io.unibloc.testkit.kube.StrictApiDispatcher;
import io.unibloc.testkit.kube.StrictApiServer;
import io.unibloc.testkit.registry.TestRegistry;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a reconcile costs in API requests, counted at the strict server: one of an unchanged UnikernelPod costs none
 * (its reads come from informer caches, its status and events are written only on change), and the root claim is
 * created before the Pod that names it.
 */
@QuarkusTest
@TestProfile(OperatorTestProfile.class)
@WithTestResource(StrictApi.class)
class ReconcileCostTest {
    private static TestRegistry registry;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry meters;

    StrictApiServer server;

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

    private static UnikernelPod ukp(String namespace, String name, String image) {
        UnikernelPod ukp = new UnikernelPod();
        ukp.getMetadata().setName(name);
        ukp.getMetadata().setNamespace(namespace);
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage(image);
        ukp.setSpec(spec);
        return ukp;
    }

    @Test
    void reconcilingAnUnchangedUnikernelPodSendsNoRequest() throws Exception {
        String ns = "cost";
        PushedImage image = Images.push(registry, "demo/cost", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "quiet", image.reference()));
        Pod pod = cluster.awaitPod(ns, "quiet");
        // A claim waiting for its volume: the reconcile checks that the StorageClass exists.
        cluster.provisionClaim(pod, "Pending");
        cluster.awaitStatus(
                ns, "quiet", "claim pending", s -> reason(s, "VolumeReady").equals("ClaimPending"));
        assertThat(requestsOfOneReconcile(ns, pod))
                .as("requests of a reconcile while the claim is pending")
                .isEmpty();

        cluster.provisionClaim(pod, "Bound");
        pod = cluster.schedule(pod, "node-1");
        cluster.status(
                pod, "Running", List.of(condition("PodScheduled", "True"), condition("Ready", "True")), running(true));
        cluster.awaitStatus(ns, "quiet", "Running", s -> s.getPhase() == Phase.Running);
        assertThat(requestsOfOneReconcile(ns, pod))
                .as("requests of a reconcile of a running guest")
                .isEmpty();
    }

    /**
     * Lets the operator settle, then changes a label of the Pod (which wakes the reconciler), waits for that
     * reconcile and returns every request sent meanwhile, in {@code ns} or cluster-scoped, except the test's own label
     * change.
     */
    private Map<RequestTally.Key, Long> requestsOfOneReconcile(String ns, Pod pod) throws InterruptedException {
        Thread.sleep(2_000);
        RequestTally tally = server.dispatcher().tally();
        long before = reconciles();
        int writesBefore = server.dispatcher().requests().size();
        tally.reset();
        client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).edit(p -> {
            p.getMetadata().getLabels().put("touched", Long.toString(System.nanoTime()));
            return p;
        });
        await("a reconcile after the Pod changed")
                .atMost(Cluster.TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> reconciles() > before);
        Thread.sleep(1_500);
        Map<RequestTally.Key, Long> counts = new java.util.TreeMap<>(
                java.util.Comparator.comparing(RequestTally.Key::verb).thenComparing(RequestTally.Key::resource));
        // Other test classes share this operator, and their objects (a Pod that Pod Security refuses, retried with
        // back-off) may be reconciled meanwhile: only this namespace's requests and cluster-scoped ones count.
        tally.snapshot().entrySet().stream()
                .filter(e -> e.getKey().namespace().isEmpty()
                        || e.getKey().namespace().equals(ns))
                .forEach(e -> counts.merge(e.getKey(), e.getValue(), Long::sum));
        // The label change itself: the client reads the Pod, then writes it.
        counts.entrySet()
                .removeIf(e -> e.getKey().resource().equals("pods")
                        && (e.getKey().verb().equals("get") || e.getKey().verb().equals("patch")));
        if (!counts.isEmpty()) {
            List<StrictApiDispatcher.Write> all = server.dispatcher().requests();
            System.out.println("COST: writes of the reconcile: " + all.subList(writesBefore, all.size()));
        }
        return counts;
    }

    private long reconciles() {
        return meters.find("unibloc.operator.reconcile").tag("kind", "UnikernelPod").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    @Test
    void theRootClaimExistsBeforeThePodAndIsReplacedWithIt() {
        String ns = "claims";
        PushedImage image = Images.push(registry, "demo/claims", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        UnikernelPod created = cluster.create(ukp(ns, "app", image.reference()));
        Pod pod = cluster.awaitPod(ns, "app");
        String claim = pod.getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("root"))
                .findFirst()
                .orElseThrow()
                .getPersistentVolumeClaim()
                .getClaimName();
        PersistentVolumeClaim pvc =
                client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
        assertThat(pvc).as("claim " + claim).isNotNull();
        assertThat(pvc.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("UnikernelPod");
            assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        assertThat(pvc.getMetadata().getAnnotations()).containsKey("unibloc.io/image");
        assertThat(pvc.getSpec().getVolumeMode()).isEqualTo("Block");

        List<StrictApiDispatcher.Write> writes = server.dispatcher().requests();
        int claimCreated = indexOf(writes, "/namespaces/" + ns + "/persistentvolumeclaims", claim);
        int podCreated =
                indexOf(writes, "/namespaces/" + ns + "/pods", pod.getMetadata().getName());
        assertThat(claimCreated).as("claim created").isNotNegative();
        assertThat(podCreated).as("Pod created").isNotNegative();
        assertThat(claimCreated).as("the claim is created before the Pod").isLessThan(podCreated);

        // The Pod is evicted; restartPolicy Always: a new Pod follows, with a fresh claim; the old claim goes.
        assertThat(created.getSpec().getRestartPolicy()).isIn(null, RestartPolicy.Always);
        cluster.status(pod, "Failed", List.of(condition("PodScheduled", "True")), Cluster.exited(137));
        String oldUid = pod.getMetadata().getUid();
        await("the ended Pod replaced")
                .atMost(Cluster.TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.podsOf(ns, "app").stream()
                        .anyMatch(p -> !p.getMetadata().getUid().equals(oldUid)));
        Pod next = cluster.podsOf(ns, "app").stream()
                .filter(p -> !p.getMetadata().getUid().equals(oldUid))
                .findFirst()
                .orElseThrow();
        String nextClaim = next.getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("root"))
                .findFirst()
                .orElseThrow()
                .getPersistentVolumeClaim()
                .getClaimName();
        assertThat(nextClaim).as("a fresh claim for the new Pod").isNotEqualTo(claim);
        assertThat(client.persistentVolumeClaims()
                        .inNamespace(ns)
                        .withName(nextClaim)
                        .get())
                .isNotNull();
        await("the old claim deleted")
                .atMost(Cluster.TIMEOUT)
                .until(() -> client.persistentVolumeClaims()
                                .inNamespace(ns)
                                .withName(claim)
                                .get()
                        == null);
    }

    private static int indexOf(List<StrictApiDispatcher.Write> writes, String pathEnd, String name) {
        for (int i = 0; i < writes.size(); i++) {
            StrictApiDispatcher.Write w = writes.get(i);
            if (w.method().equals("POST")
                    && w.path().endsWith(pathEnd)
                    && w.body().contains("\"" + name + "\"")) {
                return i;
            }
        }
        return -1;
    }

    private static String reason(io.unibloc.api.v1alpha1.UnikernelPodStatus s, String type) {
        return s.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .map(io.fabric8.kubernetes.api.model.Condition::getReason)
                .findFirst()
                .orElse("");
    }
}
