package io.unibloc.e2e.chart;

import static io.unibloc.e2e.chart.ChartSocketsTest.container;
import static io.unibloc.e2e.chart.ChartSocketsTest.flag;
import static io.unibloc.e2e.chart.ChartSocketsTest.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Values reach the objects they are documented to change, and only those. */
class ChartValuesTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    @Test
    void defaultImagesAreTheContractsAtTheChartsAppVersion() {
        RenderedChart chart = CHART.render(Values.defaults());

        assertThat(container(workload(chart, "operator"), "operator").getImage())
                .isEqualTo("unibloc/operator:0.1.0");
        assertThat(container(workload(chart, "csi-controller"), "csi-controller")
                        .getImage())
                .isEqualTo("unibloc/csi-controller:0.1.0");
        assertThat(container(workload(chart, "csi-node"), "csi-node").getImage())
                .isEqualTo("unibloc/csi-node:0.1.0");
        assertThat(operatorEnv(chart))
                .containsEntry("UNIBLOC_OPERATOR_SANDBOX_IMAGE", "unibloc/sandbox:0.1.0")
                .containsEntry("UNIBLOC_OPERATOR_RUNTIME_CLASS_NAME", "unibloc-kvm")
                .containsEntry("UNIBLOC_OPERATOR_STORAGE_CLASS_NAME", "unibloc")
                .containsEntry("UNIBLOC_OPERATOR_NETWORK_DEFAULT_MODE", "auto")
                .doesNotContainKey("QUARKUS_OPERATOR_SDK_NAMESPACES");
        assertThat(container(workload(chart, "csi-controller"), "csi-provisioner")
                        .getImage())
                .isEqualTo("registry.k8s.io/sig-storage/csi-provisioner:v5.2.0");
        assertThat(container(workload(chart, "csi-node"), "node-driver-registrar")
                        .getImage())
                .isEqualTo("registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0");
        assertThat(container(workload(chart, "csi-node"), "liveness-probe").getImage())
                .isEqualTo("registry.k8s.io/sig-storage/livenessprobe:v2.15.0");
    }

    @Test
    void registryTagsPullPolicyAndPullSecretsApplyToTheUniblocImages() {
        RenderedChart chart = CHART.render(Values.of(
                "mirror",
                "image.registry",
                "registry.example.com/mirror/",
                "image.tag",
                "1.2.3",
                "image.pullPolicy",
                "Always",
                "imagePullSecrets",
                List.of("regcred"),
                "csiNode.image.tag",
                "1.2.4",
                "sandbox.image.repository",
                "acme/sandbox"));

        assertThat(container(workload(chart, "operator"), "operator").getImage())
                .isEqualTo("registry.example.com/mirror/unibloc/operator:1.2.3");
        assertThat(container(workload(chart, "csi-node"), "csi-node").getImage())
                .isEqualTo("registry.example.com/mirror/unibloc/csi-node:1.2.4");
        assertThat(operatorEnv(chart))
                .containsEntry("UNIBLOC_OPERATOR_SANDBOX_IMAGE", "registry.example.com/mirror/acme/sandbox:1.2.3")
                .containsEntry("UNIBLOC_OPERATOR_SANDBOX_IMAGE_PULL_POLICY", "Always");
        assertThat(container(workload(chart, "csi-node"), "liveness-probe").getImage())
                .as("sidecars keep their own registry")
                .startsWith("registry.k8s.io/");
        chart.podTemplates().forEach((name, template) -> {
            assertThat(template.getSpec().getImagePullSecrets())
                    .as("pull secrets of %s", name)
                    .extracting(r -> r.getName())
                    .containsExactly("regcred");
            template.getSpec()
                    .getContainers()
                    .forEach(c -> assertThat(c.getImagePullPolicy())
                            .as("pull policy of %s/%s", name, c.getName())
                            .isEqualTo("Always"));
        });
    }

    @Test
    void insecureRegistriesReachEveryComponentThatTalksToRegistries() {
        RenderedChart chart =
                CHART.render(Values.of("insecure", "registry.insecure", List.of("registry.lab:5000", "10.0.0.7")));

        assertThat(operatorEnv(chart))
                .containsEntry("UNIBLOC_OPERATOR_REGISTRY_INSECURE", "registry.lab:5000,10.0.0.7");
        assertThat(flag(container(workload(chart, "csi-controller"), "csi-controller"), "--insecure-registry"))
                .isEqualTo("registry.lab:5000,10.0.0.7");
        assertThat(flag(container(workload(chart, "csi-node"), "csi-node"), "--insecure-registry"))
                .isEqualTo("registry.lab:5000,10.0.0.7");
        RenderedChart defaults = CHART.render(Values.defaults());
        assertThat(operatorEnv(defaults)).doesNotContainKey("UNIBLOC_OPERATOR_REGISTRY_INSECURE");
        assertThat(ChartSocketsTest.args(container(workload(defaults, "csi-node"), "csi-node")))
                .noneMatch(a -> a.startsWith("--insecure-registry"));
    }

    @Test
    void watchedNamespacesNarrowTheOperatorToRolesAndTellTheSdk() {
        RenderedChart chart =
                CHART.render(Values.of("namespaced", "operator.watchNamespaces", List.of("team-a", "team-b")));

        assertThat(operatorEnv(chart)).containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b");
        assertThat(chart.all(Role.class))
                .filteredOn(r -> r.getMetadata().getName().endsWith("-operator"))
                .extracting(r -> r.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b");
    }

    @Test
    void storeAndKubeletSettingsReachTheNodePlugin() {
        RenderedChart chart = CHART.render(Values.of(
                "store",
                "csiNode.store.dir",
                "/mnt/fast/unibloc/",
                "csiNode.store.size",
                "5Gi",
                "csiNode.store.cacheBudget",
                "3Gi",
                "csiNode.kubeletDir",
                "/var/lib/k0s/kubelet",
                "csiNode.maxVolumes",
                40,
                "kvm.mode",
                "true",
                "kvm.slots",
                16,
                "csiNode.terminationGracePeriodSeconds",
                90,
                "csiNode.maxUnavailable",
                "25%"));
        PodSpec pod = workload(chart, "csi-node");
        Container node = container(pod, "csi-node");

        assertThat(flag(node, "--store-dir")).isEqualTo("/mnt/fast/unibloc");
        assertThat(flag(node, "--store-size")).isEqualTo("5Gi");
        assertThat(flag(node, "--cache-budget")).isEqualTo("3Gi");
        assertThat(flag(node, "--kubelet-dir")).isEqualTo("/var/lib/k0s/kubelet");
        assertThat(flag(node, "--kvm")).isEqualTo("true");
        assertThat(flag(node, "--kvm-slots")).isEqualTo("16");
        assertThat(flag(node, "--max-volumes")).isEqualTo("40");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(90L);
        assertThat(chart.all(DaemonSet.class)
                        .get(0)
                        .getSpec()
                        .getUpdateStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getStrVal())
                .isEqualTo("25%");
        Container byDefault = container(workload(CHART.render(Values.defaults()), "csi-node"), "csi-node");
        assertThat(flag(byDefault, "--kvm")).as("KVM probed by default").isEqualTo("auto");
        assertThat(flag(byDefault, "--store-size")).isEqualTo("20Gi");
        assertThat(ChartSocketsTest.args(byDefault))
                .as("plugin's own cache budget unless set")
                .noneMatch(a -> a.startsWith("--cache-budget"));
    }

    @Test
    void schedulingValuesLandOnTheirOwnWorkloadOnly() {
        RenderedChart chart = CHART.render(Values.of(
                "scheduling",
                "csiController.replicas",
                3,
                "csiController.nodeSelector",
                Map.of("kubernetes.io/os", "linux"),
                "csiNode.tolerations",
                List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "vm", "effect", "NoSchedule")),
                "operator.priorityClassName",
                "high"));
        Deployment controller = chart.all(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().endsWith("-csi-controller"))
                .findFirst()
                .orElseThrow();

        assertThat(controller.getSpec().getReplicas()).isEqualTo(3);
        assertThat(controller.getSpec().getTemplate().getSpec().getNodeSelector())
                .containsEntry("kubernetes.io/os", "linux");
        assertThat(workload(chart, "operator").getNodeSelector()).isNullOrEmpty();
        assertThat(workload(chart, "csi-node").getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
        assertThat(workload(chart, "operator").getPriorityClassName()).isEqualTo("high");
        assertThat(workload(chart, "csi-node").getPriorityClassName()).isNull();
        assertThat(workload(CHART.render(Values.defaults()), "csi-node").getTolerations())
                .as("node plugin runs on tainted nodes by default")
                .singleElement()
                .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    }

    @Test
    void metricsServicesAndServiceMonitorAreOptional() {
        RenderedChart defaults = CHART.render(Values.defaults());
        RenderedChart monitored = CHART.render(Values.of(
                "monitored",
                "metrics.serviceMonitor.enabled",
                true,
                "metrics.serviceMonitor.labels",
                Map.of("release", "prometheus")));
        RenderedChart none = CHART.render(Values.of("no-metrics", "metrics.services", false));

        assertThat(defaults.all(Service.class)).hasSize(3);
        assertThat(defaults.all(GenericKubernetesResource.class))
                .as("no ServiceMonitor by default")
                .isEmpty();
        GenericKubernetesResource monitor =
                monitored.all(GenericKubernetesResource.class).get(0);
        assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        List<String> ports = endpoints(monitor).stream()
                .map(e -> String.valueOf(e.get("port")))
                .toList();
        List<String> servicePorts = monitored.all(Service.class).stream()
                .flatMap(s -> s.getSpec().getPorts().stream())
                .map(p -> p.getName())
                .distinct()
                .toList();
        assertThat(ports)
                .as("ServiceMonitor endpoints scrape the Services' ports")
                .containsExactlyInAnyOrderElementsOf(servicePorts);
        assertThat(none.all(Service.class)).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> endpoints(GenericKubernetesResource monitor) {
        Map<String, Object> spec =
                (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
        return (List<Map<String, Object>>) spec.get("endpoints");
    }

    private static Map<String, String> operatorEnv(RenderedChart chart) {
        return container(workload(chart, "operator"), "operator").getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void theNetworksDefaultModeReachesTheOperator() {
        for (String mode : List.of("tap", "passt", "none")) {
            assertThat(operatorEnv(CHART.render(Values.of("network-" + mode, "network.defaultMode", mode))))
                    .as("network.defaultMode=%s", mode)
                    .containsEntry("UNIBLOC_OPERATOR_NETWORK_DEFAULT_MODE", mode);
        }
    }
}
