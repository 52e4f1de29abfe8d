package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The cluster-scoped objects a UnikernelPod's status reads — Nodes (the {@code unibloc.io/accel} label), NodeStores
 * (why KVM is unusable), StorageClasses and RuntimeClasses (whether the ones the Pods need exist) — served from
 * informer caches, so that a reconcile costs no API request for them however many UnikernelPods there are (they were
 * a GET or LIST per reconcile). A StorageClass or RuntimeClass that appears wakes the UnikernelPods whose status
 * says it was missing, so they do not wait for a back-off.
 */
final class ClusterReads {
    private final String storageClassName;
    private InformerEventSource<Node, UnikernelPod> nodes;
    private InformerEventSource<NodeStore, UnikernelPod> stores;
    private InformerEventSource<StorageClass, UnikernelPod> storageClasses;
    private InformerEventSource<RuntimeClass, UnikernelPod> runtimeClasses;

    ClusterReads(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    /** The four informers; called once by the reconciler's {@code prepareEventSources}. */
    List<EventSource<?, UnikernelPod>> eventSources(String prefix, EventSourceContext<UnikernelPod> context) {
        nodes = cacheOnly(Node.class, prefix + "-nodes", context).build(context);
        stores = cacheOnly(NodeStore.class, prefix + "-nodestores", context).build(context);
        storageClasses = cacheOnly(StorageClass.class, prefix + "-storageclasses", context)
                .waking(
                        sc -> storageClassName.equals(sc.getMetadata().getName()),
                        UnikernelPodStatus.VOLUME_READY,
                        "StorageClassMissing")
                .build(context);
        runtimeClasses = cacheOnly(RuntimeClass.class, prefix + "-runtimeclasses", context)
                .waking(rc -> true, UnikernelPodStatus.SCHEDULED, "RuntimeClassMissing")
                .build(context);
        return List.of(nodes, stores, storageClasses, runtimeClasses);
    }

    Optional<String> nodeAccelerator(String nodeName) {
        return nodes.get(new ResourceID(nodeName))
                .map(n -> n.getMetadata().getLabels())
                .map(l -> l.get(io.unibloc.api.wire.NodeLabels.ACCEL));
    }

    /** Each NodeStore's reason why KVM is not usable there ({@code <node>: <reason>, <message>}), at most {@code max}. */
    List<String> kvmUnusableReasons(int max) {
        return stores.list(s -> s.getStatus() != null && s.getStatus().getConditions() != null)
                .flatMap(s -> s.getStatus().getConditions().stream()
                        .filter(c -> NodeStoreStatus.CONDITION_KVM_USABLE.equals(c.getType())
                                && "False".equals(c.getStatus()))
                        .map(c -> s.getMetadata().getName() + ": " + c.getReason() + ", " + c.getMessage()))
                .sorted()
                .limit(max)
                .toList();
    }

    /** Whether the configured StorageClass is absent from the cache (which JOSDK fills before the first reconcile). */
    boolean storageClassMissing() {
        return storageClasses.get(new ResourceID(storageClassName)).isEmpty();
    }

    private static <R extends HasMetadata> Informer<R> cacheOnly(
            Class<R> type, String name, EventSourceContext<UnikernelPod> context) {
        return new Informer<>(type, name, context);
    }

    /** Builds one cluster-scoped informer whose events wake nobody unless told whom. */
    private static final class Informer<R extends HasMetadata> {
        private final InformerEventSourceConfiguration.Builder<R> builder;
        private final EventSourceContext<UnikernelPod> context;

        Informer(Class<R> type, String name, EventSourceContext<UnikernelPod> context) {
            this.context = context;
            this.builder = InformerEventSourceConfiguration.from(type, UnikernelPod.class)
                    .withName(name)
                    .withWatchAllNamespaces()
                    .withSecondaryToPrimaryMapper(r -> Set.of())
                    .withPrimaryToSecondaryMapper(ukp -> Set.of());
        }

        /** Objects matching {@code which} wake the UnikernelPods whose condition {@code type} has {@code reason}. */
        Informer<R> waking(Predicate<R> which, String type, String reason) {
            builder.withSecondaryToPrimaryMapper(r -> which.test(r)
                    ? context.getPrimaryCache()
                            .list(ukp -> hasReason(ukp, type, reason))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet())
                    : Set.of());
            return this;
        }

        InformerEventSource<R, UnikernelPod> build(EventSourceContext<UnikernelPod> context) {
            return new InformerEventSource<>(builder.build(), context);
        }
    }

    static boolean hasReason(UnikernelPod ukp, String type, String reason) {
        return ukp.getStatus() != null
                && ukp.getStatus().getConditions() != null
                && ukp.getStatus().getConditions().stream()
                        .filter(c -> type.equals(c.getType()))
                        .map(Condition::getReason)
                        .anyMatch(r -> Objects.equals(reason, r));
    }
}
