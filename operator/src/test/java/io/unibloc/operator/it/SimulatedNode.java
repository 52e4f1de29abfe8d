package io.unibloc.operator.it;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane and kubelet a benchmark needs, with its own client: for every new Pod in a namespace, the claim
 * exists (the ephemeral volume controller creates it for an ephemeral volume) and is Bound, the Pod is bound to a node,
 * and its status goes through what a kubelet reports ({@code ContainerCreating}, running but not ready, Ready) — each
 * a separate write through {@code /status}, as on a cluster. Work runs on a few threads; failures are counted.
 */
final class SimulatedNode implements AutoCloseable {
    static final String NODE = "node-1";

    private final KubernetesClient client;
    private final ExecutorService workers;
    private final SharedIndexInformer<Pod> informer;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failures = new AtomicInteger();

    SimulatedNode(KubernetesClient client, String namespace, int threads) {
        this.client = client;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "simulated-node-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (seen.add(pod.getMetadata().getName())) {
                    workers.submit(() -> run(pod));
                }
            }

            @Override
            public void onUpdate(Pod before, Pod after) {}

            @Override
            public void onDelete(Pod pod, boolean unknown) {}
        });
    }

    int failures() {
        return failures.get();
    }

    private void run(Pod pod) {
        try {
            bindClaim(pod);
            Pod bound = client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .edit(p -> {
                        p.getSpec().setNodeName(NODE);
                        return p;
                    });
            status(
                    bound,
                    "Pending",
                    List.of(Cluster.condition("PodScheduled", "True")),
                    Cluster.waiting("ContainerCreating"));
            status(
                    bound,
                    "Running",
                    List.of(Cluster.condition("PodScheduled", "True"), Cluster.condition("Ready", "False")),
                    Cluster.running(false));
            status(
                    bound,
                    "Running",
                    List.of(Cluster.condition("PodScheduled", "True"), Cluster.condition("Ready", "True")),
                    Cluster.running(true));
        } catch (RuntimeException e) {
            failures.incrementAndGet();
        }
    }

    /** The claim of the Pod's root volume: made from the template if the Pod has one, then Bound. */
    private void bindClaim(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        String name = null;
        for (Volume v : pod.getSpec().getVolumes()) {
            if (v.getEphemeral() != null) {
                name = pod.getMetadata().getName() + "-" + v.getName();
                var template = v.getEphemeral().getVolumeClaimTemplate();
                client.persistentVolumeClaims()
                        .inNamespace(namespace)
                        .resource(new PersistentVolumeClaimBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withNamespace(namespace)
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
            } else if (v.getPersistentVolumeClaim() != null) {
                name = v.getPersistentVolumeClaim().getClaimName();
            }
        }
        if (name == null) {
            return;
        }
        String volume = "pvc-" + pod.getMetadata().getUid();
        client.persistentVolumeClaims().inNamespace(namespace).withName(name).editStatus(c -> {
            c.setStatus(new PersistentVolumeClaimStatus());
            c.getStatus().setPhase("Bound");
            c.getSpec().setVolumeName(volume);
            return c;
        });
    }

    private void status(
            Pod pod,
            String phase,
            List<io.fabric8.kubernetes.api.model.PodCondition> conditions,
            io.fabric8.kubernetes.api.model.ContainerStatus sandbox) {
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .editStatus(p -> {
                    p.setStatus(new PodStatus());
                    p.getStatus().setPhase(phase);
                    p.getStatus().setConditions(new ArrayList<>(conditions));
                    p.getStatus().setContainerStatuses(List.of(sandbox));
                    return p;
                });
    }

    @Override
    public void close() throws InterruptedException {
        informer.close();
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }
}
