package io.unibloc.operator.it;

import static io.unibloc.operator.it.Cluster.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unibloc.api.v1alpha1.UnikernelImage;
import io.unibloc.api.v1alpha1.UnikernelImageSpec;
import io.unibloc.api.v1alpha1.UnikernelImageStatus;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.operator.image.UnikernelImageReconciler;
import io.unibloc.operator.pod.UnikernelPodReconciler;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.kube.StrictApiDispatcher;
import io.unibloc.testkit.kube.StrictApiServer;
import io.unibloc.testkit.registry.TestRegistry;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a real API server does and fabric8's plain mock does not: status dropped on create and written only
 * through {@code /status}, Pods refused by admission, Pods that end by eviction. Run against
 * {@link StrictApiServer}.
 */
@QuarkusTest
@TestProfile(OperatorTestProfile.class)
@WithTestResource(StrictApi.class)
class RealApiServerRulesTest {
    private static TestRegistry registry;

    @Inject
    KubernetesClient client;

    StrictApiServer api;

    @Inject
    Operator operator;

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
    void aUnikernelPodStoredWithoutStatusGetsItsStatusByMergePatch() {
        String ns = "nostatus";
        PushedImage image = Images.push(registry, "demo/nostatus", "1.0", "console=ttyS0");
        UnikernelPod ukp = ukp(ns, "plain", image.reference());
        // What kubectl apply may send; the server drops it, as it does for every kind with a status subresource.
        UnikernelPodStatus sent = new UnikernelPodStatus();
        sent.setConditions(List.of(new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("Bogus")
                .build()));
        ukp.setStatus(sent);
        UnikernelPod created = new Cluster(client).create(ukp);
        assertThat(created.getStatus()).isNull();

        UnikernelPodStatus status = new Cluster(client)
                .awaitStatus(
                        ns,
                        "plain",
                        "pinned and a Pod created",
                        s -> image.digest().equals(s.getImageDigest()) && s.getPodName() != null);
        assertThat(status.getConditions()).extracting(Condition::getReason).doesNotContain("Bogus");
        assertThat(statusWrites("/namespaces/" + ns + "/unikernelpods/plain/status"))
                .isNotEmpty()
                .allSatisfy(w -> assertThat(w.contentType()).isEqualTo("application/merge-patch+json"));
    }

    @Test
    void aUnikernelImageStoredWithoutStatusGetsItsStatusByMergePatch() {
        String ns = "nostatus-image";
        PushedImage image = Images.push(registry, "demo/nostatus-image", "1.0", "console=ttyS0");
        UnikernelImage uki = new UnikernelImage();
        uki.getMetadata().setName("plain");
        uki.getMetadata().setNamespace(ns);
        UnikernelImageSpec spec = new UnikernelImageSpec();
        spec.setImage(image.reference());
        uki.setSpec(spec);
        assertThat(client.resources(UnikernelImage.class).resource(uki).create().getStatus())
                .isNull();

        await("UnikernelImage status written").atMost(Cluster.TIMEOUT).until(() -> {
            UnikernelImageStatus s = client.resources(UnikernelImage.class)
                    .inNamespace(ns)
                    .withName("plain")
                    .get()
                    .getStatus();
            return s != null && image.digest().equals(s.getImageDigest());
        });
        assertThat(statusWrites("/namespaces/" + ns + "/unikernelimages/plain/status"))
                .isNotEmpty()
                .allSatisfy(w -> assertThat(w.contentType()).isEqualTo("application/merge-patch+json"));
    }

    @Test
    void aMissingRuntimeClassIsReportedRetriedAndTheGuestStartsOnceItExists() {
        String ns = "noruntime";
        PushedImage image = Images.push(registry, "demo/noruntime", "1.0", "console=ttyS0");
        RuntimeClass runtimeClass = client.resources(RuntimeClass.class)
                .withName(StrictApi.RUNTIME_CLASS)
                .get();
        client.resource(runtimeClass).delete();
        Cluster cluster = new Cluster(client);
        try {
            cluster.create(ukp(ns, "waiting", image.reference()));
            UnikernelPodStatus refused = cluster.awaitStatus(
                    ns,
                    "waiting",
                    "RuntimeClassMissing",
                    s -> "RuntimeClassMissing".equals(UnikernelPodLifecycleTest.reason(s, "Scheduled")));
            assertThat(refused.getPhase()).isEqualTo(Phase.Pending);
            assertThat(UnikernelPodLifecycleTest.message(refused, "Ready"))
                    .contains("RuntimeClass \"unibloc-kvm\" not found");
            await().atMost(Cluster.TIMEOUT)
                    .until(() -> cluster.eventReasons(ns, "waiting").contains("Warning:RuntimeClassMissing"));
            // Still retrying, not given up: more refused creates arrive while the RuntimeClass is missing.
            long attempts = podCreates(ns);
            await().atMost(Cluster.TIMEOUT).until(() -> podCreates(ns) > attempts + 1);
        } finally {
            runtimeClass.getMetadata().setResourceVersion(null);
            client.resource(runtimeClass).create();
        }
        Pod pod = cluster.awaitPod(ns, "waiting");
        assertThat(pod.getSpec().getRuntimeClassName()).isEqualTo(StrictApi.RUNTIME_CLASS);
        cluster.awaitStatus(
                ns,
                "waiting",
                "the refusal is gone",
                s -> !"RuntimeClassMissing".equals(UnikernelPodLifecycleTest.reason(s, "Scheduled")));
    }

    /**
     * A chart upgrade with sandbox.allowSoftwareEmulation=true changes the RuntimeClass's selector from
     * unibloc.io/kvm=true to unibloc.io/node=true; admission copied the old one into the Pod already created, which
     * then can never be scheduled. The operator replaces it (an event says why) once the class changed, and not before.
     */
    @Test
    void anUnschedulablePodAdmittedUnderAnOlderRuntimeClassIsReplaced() {
        String ns = "rcswitch";
        PushedImage image = Images.push(registry, "demo/rcswitch", "1.0", "console=ttyS0");
        client.resource(new RuntimeClassBuilder()
                        .withNewMetadata()
                        .withName("unibloc-switch")
                        .endMetadata()
                        .withHandler("runc")
                        .withNewScheduling()
                        .addToNodeSelector("unibloc.io/kvm", "true")
                        .endScheduling()
                        .build())
                .create();
        Cluster cluster = new Cluster(client);
        UnikernelPod ukp = ukp(ns, "switch", image.reference());
        ukp.getSpec().setRuntimeClassName("unibloc-switch");
        cluster.create(ukp);
        Pod admitted = cluster.awaitPod(ns, "switch");
        assertThat(admitted.getSpec().getNodeSelector())
                .as("admission copied the RuntimeClass's selector")
                .containsEntry("unibloc.io/kvm", "true");
        String message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.";
        cluster.status(
                admitted,
                "Pending",
                List.of(new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage(message)
                        .build()),
                null);
        cluster.awaitStatus(
                ns,
                "switch",
                "NoUsableKvm",
                s -> "NoUsableKvm".equals(UnikernelPodLifecycleTest.reason(s, "Scheduled")));
        assertThat(cluster.podsOf(ns, "switch"))
                .as("the class is unchanged: the Pod is left alone")
                .extracting(p -> p.getMetadata().getName())
                .containsExactly(admitted.getMetadata().getName());

        client.resources(RuntimeClass.class).withName("unibloc-switch").edit(rc -> {
            rc.getScheduling().setNodeSelector(java.util.Map.of("unibloc.io/node", "true"));
            return rc;
        });
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "switch").contains("Normal:RuntimeClassChanged"));
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.podsOf(ns, "switch").stream()
                        .anyMatch(p -> p.getSpec().getNodeSelector() != null
                                && "true".equals(p.getSpec().getNodeSelector().get("unibloc.io/node"))));
        Pod replacement = cluster.podsOf(ns, "switch").stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .findFirst()
                .orElseThrow();
        assertThat(replacement.getSpec().getNodeSelector()).doesNotContainKey("unibloc.io/kvm");
        String oldClaim = admitted.getSpec().getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null)
                .findFirst()
                .orElseThrow()
                .getPersistentVolumeClaim()
                .getClaimName();
        await("the replaced Pod's root claim goes with it, not a minute later with the orphan sweep")
                .atMost(Cluster.TIMEOUT)
                .until(() -> client.persistentVolumeClaims()
                                .inNamespace(ns)
                                .withName(oldClaim)
                                .get()
                        == null);
        assertThat(cluster.events(ns, "switch"))
                .filteredOn(e -> "RuntimeClassChanged".equals(e.getReason()))
                .first()
                .satisfies(e -> assertThat(e.getMessage())
                        .contains("RuntimeClass unibloc-switch now selects unibloc.io/node=true"));
    }

    @Test
    void aMissingStorageClassIsReportedUntilItExists() {
        String ns = "nostorage";
        PushedImage image = Images.push(registry, "demo/nostorage", "1.0", "console=ttyS0");
        StorageClass storageClass = client.resources(StorageClass.class)
                .withName(StrictApi.STORAGE_CLASS)
                .get();
        client.resource(storageClass).delete();
        Cluster cluster = new Cluster(client);
        try {
            cluster.create(ukp(ns, "volume", image.reference()));
            Pod pod = cluster.awaitPod(ns, "volume");
            cluster.provisionClaim(pod, "Pending");
            UnikernelPodStatus missing = cluster.awaitStatus(
                    ns,
                    "volume",
                    "StorageClassMissing",
                    s -> "StorageClassMissing".equals(UnikernelPodLifecycleTest.reason(s, "VolumeReady")));
            assertThat(UnikernelPodLifecycleTest.message(missing, "VolumeReady"))
                    .contains("StorageClass unibloc does not exist");
            await().atMost(Cluster.TIMEOUT)
                    .until(() -> cluster.eventReasons(ns, "volume").contains("Warning:StorageClassMissing"));
        } finally {
            storageClass.getMetadata().setResourceVersion(null);
            client.resource(storageClass).create();
        }
        cluster.awaitStatus(
                ns,
                "volume",
                "the claim waits for provisioning, no longer for a StorageClass",
                s -> "ClaimPending".equals(UnikernelPodLifecycleTest.reason(s, "VolumeReady")));
    }

    @Test
    void anEvictedPodIsReplacedWithAnEvent() {
        String ns = "eviction";
        PushedImage image = Images.push(registry, "demo/eviction", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "kept", image.reference()));
        Pod pod = cluster.awaitPod(ns, "kept");
        cluster.provisionClaim(pod, "Bound");
        pod = cluster.schedule(pod, "node-1");
        // What the kubelet writes when it evicts a Pod under node pressure: the Pod object stays, phase Failed.
        String uid = pod.getMetadata().getUid();
        client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).editStatus(p -> {
            p.setStatus(new PodStatusBuilder()
                    .withPhase("Failed")
                    .withReason("Evicted")
                    .withMessage("The node was low on resource: memory.")
                    .withConditions(condition("PodScheduled", "True"))
                    .build());
            return p;
        });
        await("a new Pod replaces the evicted one").atMost(Cluster.TIMEOUT).until(() -> {
            List<Pod> pods = cluster.podsOf(ns, "kept");
            return pods.size() == 1
                    && !pods.get(0).getMetadata().getUid().equals(uid)
                    && pods.get(0).getStatus() == null;
        });
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "kept").contains("Warning:PodEnded"));
        assertThat(cluster.events(ns, "kept"))
                .anySatisfy(e -> assertThat(e.getMessage()).contains("Evicted"));
    }

    @Test
    void failedReconcilesAreRetriedWithoutLimitAndCappedBackOff() {
        for (String name : List.of(UnikernelPodReconciler.NAME, UnikernelImageReconciler.NAME)) {
            RegisteredController<?> controller =
                    operator.getRegisteredController(name).orElseThrow();
            assertThat(controller.getConfiguration().getRetry())
                    .as(name)
                    .isInstanceOfSatisfying(GenericRetry.class, retry -> {
                        assertThat(retry.getMaxAttempts())
                                .as("%s: attempts never run out", name)
                                .isEqualTo(-1);
                        assertThat(retry.getMaxInterval())
                                .as("%s: back-off cap", name)
                                .isEqualTo(300_000L);
                    });
        }
    }

    private List<StrictApiDispatcher.Write> statusWrites(String pathPart) {
        return api.dispatcher().requests().stream()
                .filter(w -> w.path().contains(pathPart))
                .toList();
    }

    private long podCreates(String ns) {
        return api.dispatcher().requests().stream()
                .filter(w -> "POST".equals(w.method()) && w.path().startsWith("/api/v1/namespaces/" + ns + "/pods"))
                .count();
    }
}
