package io.unibloc.operator.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * What the mock API server lacks and a cluster has: the ephemeral volume controller and provisioner
 * (a claim from the Pod's template, owned by the Pod, then Bound), the scheduler (nodeName and
 * PodScheduled), the kubelet (container states and Ready) and the garbage collector (owner references).
 */
final class Cluster {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String STARTED_AT = "2026-01-01T00:00:00Z";

    private final KubernetesClient client;

    Cluster(KubernetesClient client) {
        this.client = client;
    }

    UnikernelPod create(UnikernelPod ukp) {
        return client.resources(UnikernelPod.class).resource(ukp).create();
    }

    /** Changes the spec as a user would: read, change, write; again if the operator wrote in between. */
    UnikernelPod editSpec(String namespace, String name, java.util.function.Consumer<UnikernelPodSpec> change) {
        for (int attempt = 1; ; attempt++) {
            UnikernelPod ukp = get(namespace, name);
            change.accept(ukp.getSpec());
            try {
                return client.resource(ukp).update();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    UnikernelPod get(String namespace, String name) {
        return client.resources(UnikernelPod.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    /** Waits until the UnikernelPod's status satisfies {@code condition}; the failure shows the last status. */
    UnikernelPodStatus awaitStatus(
            String namespace, String name, String what, Predicate<UnikernelPodStatus> condition) {
        AtomicReference<UnikernelPodStatus> last = new AtomicReference<>();
        try {
            await(namespace + "/" + name + ": " + what)
                    .atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        UnikernelPod ukp = get(namespace, name);
                        last.set(ukp == null ? null : ukp.getStatus());
                        return last.get() != null && condition.test(last.get());
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    e.getMessage() + "; last status: "
                            + io.fabric8.kubernetes.client.utils.Serialization.asJson(last.get()),
                    e);
        }
        return last.get();
    }

    /** The Pods the operator made for this UnikernelPod that are not being deleted. */
    List<Pod> podsOf(String namespace, String name) {
        return client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> p.getMetadata().getAnnotations() != null
                        && name.equals(p.getMetadata().getAnnotations().get("unibloc.io/unikernel-pod")))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .toList();
    }

    Pod awaitPod(String namespace, String name) {
        AtomicReference<List<Pod>> pods = new AtomicReference<>(List.of());
        await(namespace + "/" + name + ": one Pod")
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    pods.set(podsOf(namespace, name));
                    return pods.get().size() == 1;
                });
        return pods.get().get(0);
    }

    /**
     * The provisioner sets the phase of the Pod's root claim: the claim the operator created and the Pod names, or
     * (for a Pod with a generic ephemeral volume) the one the ephemeral volume controller creates from the template.
     */
    PersistentVolumeClaim provisionClaim(Pod pod, String phase) {
        io.fabric8.kubernetes.api.model.Volume root = pod.getSpec().getVolumes().stream()
                .filter(v -> "root".equals(v.getName()))
                .findFirst()
                .orElseThrow();
        String name = root.getPersistentVolumeClaim() != null
                ? root.getPersistentVolumeClaim().getClaimName()
                : pod.getMetadata().getName() + "-root";
        PersistentVolumeClaim existing = client.persistentVolumeClaims()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(name)
                .get();
        if (existing == null && root.getPersistentVolumeClaim() != null) {
            throw new AssertionError("the Pod names claim " + name + ", which does not exist");
        }
        if (existing == null) {
            PersistentVolumeClaimTemplate template = root.getEphemeral().getVolumeClaimTemplate();
            client.persistentVolumeClaims()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .resource(new PersistentVolumeClaimBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(pod.getMetadata().getNamespace())
                            .withLabels(template.getMetadata().getLabels())
                            .withAnnotations(template.getMetadata().getAnnotations())
                            .withOwnerReferences(new OwnerReferenceBuilder()
                                    .withApiVersion("v1")
                                    .withKind("Pod")
                                    .withName(pod.getMetadata().getName())
                                    .withUid(pod.getMetadata().getUid())
                                    .withController(true)
                                    .build())
                            .endMetadata()
                            .withSpec(template.getSpec())
                            .build())
                    .create();
        }
        return client.persistentVolumeClaims()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(name)
                .editStatus(c -> {
                    c.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus());
                    c.getStatus().setPhase(phase);
                    if ("Bound".equals(phase)) {
                        c.getSpec().setVolumeName("pvc-" + pod.getMetadata().getUid());
                    }
                    return c;
                });
    }

    /** The scheduler binds the Pod to a node. */
    Pod schedule(Pod pod, String node) {
        Pod bound = client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .edit(p -> {
                    p.getSpec().setNodeName(node);
                    return p;
                });
        return status(bound, "Pending", List.of(condition("PodScheduled", "True")), null);
    }

    /** The kubelet reports the Pod's phase, its conditions and the sandbox container's state. */
    Pod status(Pod pod, String phase, List<PodCondition> conditions, ContainerStatus sandbox) {
        return client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .editStatus(p -> {
                    p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
                    p.getStatus().setPhase(phase);
                    p.getStatus().setConditions(new ArrayList<>(conditions));
                    p.getStatus().setContainerStatuses(sandbox == null ? List.of() : List.of(sandbox));
                    return p;
                });
    }

    static PodCondition condition(String type, String status) {
        return new PodConditionBuilder().withType(type).withStatus(status).build();
    }

    static ContainerStatus waiting(String reason) {
        return new ContainerStatusBuilder()
                .withName("sandbox")
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(reason + " (test)")
                .endWaiting()
                .endState()
                .build();
    }

    static ContainerStatus running(boolean ready) {
        return new ContainerStatusBuilder()
                .withName("sandbox")
                .withReady(ready)
                .withNewState()
                .withNewRunning()
                .withStartedAt(STARTED_AT)
                .endRunning()
                .endState()
                .build();
    }

    static ContainerStatus exited(int code) {
        return new ContainerStatusBuilder()
                .withName("sandbox")
                .withNewState()
                .withNewTerminated()
                .withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error")
                .withStartedAt(STARTED_AT)
                .endTerminated()
                .endState()
                .build();
    }

    /** The garbage collector: removes what the deleted owner owned (claims, Pods, then the claims the Pods owned). */
    void collectGarbage(String ownerUid) {
        for (PersistentVolumeClaim c :
                client.persistentVolumeClaims().inAnyNamespace().list().getItems()) {
            if (c.getMetadata().getOwnerReferences().stream().anyMatch(o -> ownerUid.equals(o.getUid()))) {
                client.resource(c).delete();
            }
        }
        for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
            if (pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> ownerUid.equals(o.getUid()))) {
                for (PersistentVolumeClaim c : client.persistentVolumeClaims()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .list()
                        .getItems()) {
                    if (c.getMetadata().getOwnerReferences().stream()
                            .anyMatch(o -> Objects.equals(pod.getMetadata().getUid(), o.getUid()))) {
                        client.resource(c).delete();
                    }
                }
                client.resource(pod).delete();
            }
        }
    }

    /** Events about a UnikernelPod, oldest first. */
    List<Event> events(String namespace, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())
                        && "UnikernelPod".equals(e.getInvolvedObject().getKind()))
                .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getName()))
                .toList();
    }

    List<String> eventReasons(String namespace, String name) {
        return events(namespace, name).stream()
                .map(e -> e.getType() + ":" + e.getReason())
                .toList();
    }
}
