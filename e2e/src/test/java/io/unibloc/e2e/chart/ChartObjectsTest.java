package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Structural checks on every object the chart renders, for every value variation: they are the ones the API
 * server would accept and the kubelet would run as intended.
 */
class ChartObjectsTest {
    private static final HelmChart CHART = HelmChart.inRepository();
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
    /** The only kind outside Kubernetes' own API the chart may render (Prometheus Operator). */
    private static final Set<String> FOREIGN_KINDS = Set.of("monitoring.coreos.com/v1 ServiceMonitor");
    /** Containers that must run as root, by "workload/container": see the comments in csi-node/daemonset.yaml. */
    private static final Set<String> ROOT_CONTAINERS =
            Set.of("csi-node/csi-node", "csi-node/node-driver-registrar", "csi-node/liveness-probe");
    /** The one privileged container: the node plugin (loop devices, mounts, Bidirectional propagation). */
    private static final String PRIVILEGED_CONTAINER = "csi-node/csi-node";

    static Stream<Values> variations() {
        return Variations.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void everyKindAndApiVersionIsOneKubernetesServes(Values values) {
        RenderedChart chart = CHART.render(values);

        assertThat(chart.objects()).as("rendered objects").isNotEmpty();
        for (HasMetadata object : chart.objects()) {
            String typeName = object.getApiVersion() + " " + object.getKind();
            if (object instanceof GenericKubernetesResource) {
                assertThat(FOREIGN_KINDS)
                        .as("%s is not a type fabric8's Kubernetes model knows", typeName)
                        .contains(typeName);
            }
            assertThat(object.getApiVersion())
                    .as("%s uses a pre-release API", RenderedChart.describe(object))
                    .doesNotContainPattern("v[0-9]+(alpha|beta)[0-9]*$");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void noFieldIsUnknownToTheModel(Values values) {
        RenderedChart chart = CHART.render(values);

        for (HasMetadata object : chart.objects()) {
            assertThat(UnknownFields.in(object))
                    .as("fields of %s that Kubernetes does not have", RenderedChart.describe(object))
                    .isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void namesAreValidUniqueAndNamespacedWhereTheKindIs(Values values) {
        RenderedChart chart = CHART.render(values);
        Set<String> operatorNamespaces = new HashSet<>(operatorNamespaces(values));

        assertThat(chart.names()).as("duplicate objects").doesNotHaveDuplicates();
        for (HasMetadata object : chart.objects()) {
            String name = object.getMetadata().getName();
            String namespace = object.getMetadata().getNamespace();
            assertThat(name)
                    .as("name of %s", RenderedChart.describe(object))
                    .matches(DNS_SUBDOMAIN)
                    .hasSizeLessThan(64);
            if (object instanceof Namespaced || object instanceof GenericKubernetesResource) {
                boolean operatorRbac =
                        (object instanceof Role || object instanceof RoleBinding) && name.endsWith("-operator");
                if (operatorRbac && !operatorNamespaces.isEmpty()) {
                    assertThat(operatorNamespaces)
                            .as("namespace of %s", RenderedChart.describe(object))
                            .contains(namespace);
                } else {
                    assertThat(namespace)
                            .as("namespace of %s", RenderedChart.describe(object))
                            .isEqualTo(HelmChart.NAMESPACE);
                }
            } else {
                assertThat(namespace)
                        .as("cluster-scoped %s has a namespace", RenderedChart.describe(object))
                        .isNull();
            }
            Map<String, String> labels = object.getMetadata().getLabels();
            assertThat(labels)
                    .as("labels of %s", RenderedChart.describe(object))
                    .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsKey("app.kubernetes.io/name");
            labels.values()
                    .forEach(v -> assertThat(v)
                            .as("label value on %s", RenderedChart.describe(object))
                            .hasSizeLessThan(64));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void everyContainerHasAPinnedImageResourcesAndASecurityContext(Values values) {
        RenderedChart chart = CHART.render(values);

        assertThat(chart.podTemplates()).as("workloads").hasSize(3);
        chart.podTemplates().forEach((workload, template) -> {
            PodSecurityContext podSecurity = template.getSpec().getSecurityContext();
            assertThat(podSecurity).as("pod securityContext of %s", workload).isNotNull();
            assertThat(podSecurity.getSeccompProfile().getType())
                    .as("seccomp of %s", workload)
                    .isEqualTo("RuntimeDefault");
            assertThat(template.getSpec().getInitContainers())
                    .as("init containers of %s", workload)
                    .isEmpty();
            for (Container container : template.getSpec().getContainers()) {
                String id = component(workload) + "/" + container.getName();
                assertThat(container.getImage())
                        .as("image of %s", id)
                        .isNotBlank()
                        .matches(".+:[A-Za-z0-9_][A-Za-z0-9_.-]*$")
                        .doesNotEndWith(":latest");
                assertThat(container.getImagePullPolicy())
                        .as("pull policy of %s", id)
                        .isNotBlank();
                assertThat(container.getResources()).as("resources of %s", id).isNotNull();
                assertThat(container.getResources().getRequests())
                        .as("requests of %s", id)
                        .containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits())
                        .as("limits of %s", id)
                        .containsKey("memory");
                SecurityContext security = container.getSecurityContext();
                assertThat(security).as("securityContext of %s", id).isNotNull();
                checkPrivilege(id, security, podSecurity);
            }
        });
    }

    private static void checkPrivilege(String id, SecurityContext security, PodSecurityContext podSecurity) {
        if (id.equals(PRIVILEGED_CONTAINER)) {
            assertThat(security.getPrivileged()).as("privileged of %s", id).isTrue();
            return;
        }
        assertThat(security.getPrivileged()).as("privileged of %s", id).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getAllowPrivilegeEscalation())
                .as("allowPrivilegeEscalation of %s", id)
                .isFalse();
        assertThat(security.getReadOnlyRootFilesystem())
                .as("readOnlyRootFilesystem of %s", id)
                .isTrue();
        assertThat(security.getCapabilities().getDrop())
                .as("dropped capabilities of %s", id)
                .containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd())
                .as("added capabilities of %s", id)
                .isNullOrEmpty();
        long uid = security.getRunAsUser() != null
                ? security.getRunAsUser()
                : podSecurity.getRunAsUser() != null ? podSecurity.getRunAsUser() : -1;
        if (ROOT_CONTAINERS.contains(id)) {
            assertThat(uid).as("uid of %s", id).isZero();
        } else {
            assertThat(uid).as("uid of %s (must be set and not root)", id).isPositive();
            assertThat(podSecurity.getRunAsNonRoot())
                    .as("runAsNonRoot of the pod of %s", id)
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void selectorsMatchTheirPodsAndNamedPortsExist(Values values) {
        RenderedChart chart = CHART.render(values);

        for (Deployment deployment : chart.all(Deployment.class)) {
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .as("template labels of %s", deployment.getMetadata().getName())
                    .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        }
        for (DaemonSet daemonSet : chart.all(DaemonSet.class)) {
            assertThat(daemonSet.getSpec().getTemplate().getMetadata().getLabels())
                    .as("template labels of %s", daemonSet.getMetadata().getName())
                    .containsAllEntriesOf(daemonSet.getSpec().getSelector().getMatchLabels());
        }
        List<Map<String, String>> selectors = new ArrayList<>();
        chart.all(Deployment.class)
                .forEach(d -> selectors.add(d.getSpec().getSelector().getMatchLabels()));
        chart.all(DaemonSet.class)
                .forEach(d -> selectors.add(d.getSpec().getSelector().getMatchLabels()));
        assertThat(selectors).as("workload selectors must not overlap").doesNotHaveDuplicates();

        for (Service service : chart.all(Service.class)) {
            List<PodTemplateSpec> selected = chart.podTemplates().values().stream()
                    .filter(t -> t.getMetadata()
                            .getLabels()
                            .entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet()))
                    .toList();
            assertThat(selected)
                    .as("pods selected by Service %s", service.getMetadata().getName())
                    .hasSize(1);
            Set<String> podPorts = portNames(selected.get(0).getSpec().getContainers());
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(port.getTargetPort().getStrVal())
                        .as(
                                "targetPort of %s/%s (by name)",
                                service.getMetadata().getName(), port.getName())
                        .isNotNull();
                assertThat(podPorts)
                        .as("ports of the pods behind %s", service.getMetadata().getName())
                        .contains(port.getTargetPort().getStrVal());
            }
        }
        chart.podTemplates().forEach((workload, template) -> {
            for (Container container : template.getSpec().getContainers()) {
                Set<String> own = portNames(List.of(container));
                Stream.of(container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe())
                        .filter(p -> p != null && p.getHttpGet() != null)
                        .map(Probe::getHttpGet)
                        .map(h -> h.getPort())
                        .filter(port -> port.getStrVal() != null)
                        .forEach(port -> assertThat(own)
                                .as("named probe port of %s/%s", workload, container.getName())
                                .contains(port.getStrVal()));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void workloadsRunAsTheirOwnServiceAccounts(Values values) {
        RenderedChart chart = CHART.render(values);

        Set<String> accounts = new HashSet<>();
        chart.podTemplates().forEach((workload, template) -> {
            String account = template.getSpec().getServiceAccountName();
            assertThat(chart.has(ServiceAccount.class, account))
                    .as("ServiceAccount %s of %s", account, workload)
                    .isTrue();
            accounts.add(account);
        });
        assertThat(accounts).as("one ServiceAccount per workload").hasSize(3);
    }

    private static Set<String> portNames(List<Container> containers) {
        Set<String> names = new HashSet<>();
        for (Container container : containers) {
            for (ContainerPort port : container.getPorts()) {
                assertThat(names.add(port.getName()))
                        .as("port name %s is declared twice in one pod", port.getName())
                        .isTrue();
            }
        }
        return names;
    }

    /** "unibloc-csi-node" -> "csi-node": the workload's component, whatever the release prefix. */
    static String component(String workload) {
        for (String component : List.of("csi-controller", "csi-node", "operator")) {
            if (workload.endsWith("-" + component)) {
                return component;
            }
        }
        throw new IllegalArgumentException("workload " + workload + " is none of operator, csi-controller, csi-node");
    }

    @SuppressWarnings("unchecked")
    static List<String> operatorNamespaces(Values values) {
        Object operator = values.nested().get("operator");
        if (operator instanceof Map<?, ?> map && map.get("watchNamespaces") instanceof List<?> list) {
            return (List<String>) list;
        }
        return List.of();
    }
}
