package io.unibloc.e2e.chart;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The named value sets every structural test renders the chart with; each one turns a different branch on. */
public final class Variations {
    private Variations() {}

    public static Stream<Values> all() {
        return Stream.of(
                Values.defaults(),
                Values.of(
                        "custom-images",
                        "image.registry",
                        "registry.example.com/mirror/",
                        "image.tag",
                        "1.2.3",
                        "image.pullPolicy",
                        "Always",
                        "imagePullSecrets",
                        List.of("regcred"),
                        "registry.insecure",
                        List.of("registry.lab:5000"),
                        "operator.image.tag",
                        "1.2.4-rc1",
                        "sidecars.provisioner.image.repository",
                        "mirror.example.com/csi-provisioner",
                        "sidecars.provisioner.image.tag",
                        "v5.2.1"),
                Values.of(
                        "namespaced-operator",
                        "operator.watchNamespaces",
                        List.of("team-a", "team-b"),
                        "operator.logLevel",
                        "DEBUG",
                        "network.defaultMode",
                        "passt",
                        "operator.extraEnv",
                        List.of(Map.of("name", "QUARKUS_LOG_CONSOLE_JSON", "value", "true"))),
                Values.of(
                        "tcg-nodes-and-urunc",
                        "kvm.requireKvmNode",
                        false,
                        "runtimeClasses.kvm.overhead",
                        Map.of("memory", "64Mi", "cpu", "50m"),
                        "runtimeClasses.urunc.create",
                        true,
                        "storageClass.writeMode",
                        "persistent"),
                Values.of(
                        "moved-kubelet-and-store",
                        "csiNode.kubeletDir",
                        "/var/lib/k0s/kubelet/",
                        "csiNode.store.dir",
                        "/mnt/fast/unibloc",
                        "csiNode.store.size",
                        "5Gi",
                        "csiNode.store.cacheBudget",
                        "2Gi",
                        "csiNode.maxVolumes",
                        40,
                        "kvm.mode",
                        "false",
                        "kvm.slots",
                        8),
                Values.of(
                        "monitoring",
                        "metrics.serviceMonitor.enabled",
                        true,
                        "metrics.serviceMonitor.interval",
                        "15s",
                        "metrics.serviceMonitor.labels",
                        Map.of("release", "prometheus")),
                Values.of(
                        "no-metrics-no-storageclass",
                        "metrics.services",
                        false,
                        "storageClass.create",
                        false,
                        "runtimeClasses.kvm.create",
                        false),
                Values.of(
                        "scheduling",
                        "fullnameOverride",
                        "ub",
                        "csiController.replicas",
                        2,
                        "operator.nodeSelector",
                        Map.of("node-role.kubernetes.io/control-plane", ""),
                        "operator.tolerations",
                        List.of(Map.of(
                                "key",
                                "node-role.kubernetes.io/control-plane",
                                "operator",
                                "Exists",
                                "effect",
                                "NoSchedule")),
                        "csiController.affinity",
                        Map.of(
                                "podAntiAffinity",
                                Map.of(
                                        "preferredDuringSchedulingIgnoredDuringExecution",
                                        List.of(Map.of(
                                                "weight",
                                                100,
                                                "podAffinityTerm",
                                                Map.of(
                                                        "topologyKey",
                                                        "kubernetes.io/hostname",
                                                        "labelSelector",
                                                        Map.of(
                                                                "matchLabels",
                                                                Map.of(
                                                                        "app.kubernetes.io/component",
                                                                        "csi-controller"))))))),
                        "csiNode.nodeSelector",
                        Map.of("unibloc.io/enabled", "true"),
                        "csiNode.tolerations",
                        List.of(),
                        "csiNode.priorityClassName",
                        "system-node-critical",
                        "csiNode.maxUnavailable",
                        "25%"));
    }
}
