package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.unibloc.e2e.chart.ExpectedRbac.Grant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each component's ServiceAccount may do, computed from the rendered Roles, ClusterRoles and bindings, equals
 * {@link ExpectedRbac} exactly: nothing missing, nothing extra, no wildcards, no binding to a role the chart does
 * not ship.
 */
class ChartRbacTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    static Stream<Values> variations() {
        return Variations.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void eachComponentGetsExactlyWhatItsCodeCalls(Values values) {
        RenderedChart chart = CHART.render(values);
        Map<String, Set<Grant>> effective = effectiveGrants(chart);

        List<String> namespaces = ChartObjectsTest.operatorNamespaces(values);
        Set<Grant> operator = new LinkedHashSet<>(ExpectedRbac.operatorCluster());
        if (namespaces.isEmpty()) {
            operator.addAll(ExpectedRbac.operator(Grant.CLUSTER));
        } else {
            namespaces.forEach(ns -> operator.addAll(ExpectedRbac.operator(ns)));
        }
        Map<String, String> accounts = accountsByComponent(chart);

        assertThat(effective.get(accounts.get("operator")))
                .as("operator grants")
                .containsExactlyInAnyOrderElementsOf(operator);
        assertThat(effective.get(accounts.get("csi-controller")))
                .as("csi-controller (+ provisioner) grants")
                .containsExactlyInAnyOrderElementsOf(ExpectedRbac.csiController(HelmChart.NAMESPACE));
        assertThat(effective.get(accounts.get("csi-node")))
                .as("csi-node grants")
                .containsExactlyInAnyOrderElementsOf(ExpectedRbac.csiNode());
        assertThat(effective.keySet())
                .as("subjects that get any permission")
                .containsExactlyInAnyOrderElementsOf(accounts.values());
    }

    /** The uninstall hook's own account, which exists only while the hook runs, gets what its command calls. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void theUninstallHookGetsExactlyWhatRemovingNodeFinalizersCalls(Values values) {
        RenderedChart hooks = CHART.hooks(values);
        String account = ChartUninstallHookTest.hookJob(hooks)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getServiceAccountName();

        Map<String, Set<Grant>> effective = effectiveGrants(hooks);

        assertThat(effective.keySet()).as("subjects of the hooks").containsExactly(account);
        assertThat(effective.get(account))
                .as("uninstall hook grants")
                .containsExactlyInAnyOrderElementsOf(ExpectedRbac.nodeFinalizerHook());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void noWildcardsNoForeignRolesNoOrphans(Values values) {
        RenderedChart chart = CHART.render(values);

        Set<String> boundRoles = new HashSet<>();
        for (ClusterRoleBinding binding : chart.all(ClusterRoleBinding.class)) {
            RoleRef ref = binding.getRoleRef();
            assertThat(ref.getKind())
                    .as("roleRef kind of %s", binding.getMetadata().getName())
                    .isEqualTo("ClusterRole");
            assertThat(chart.has(ClusterRole.class, ref.getName()))
                    .as(
                            "ClusterRole %s bound by %s is shipped by the chart",
                            ref.getName(), binding.getMetadata().getName())
                    .isTrue();
            boundRoles.add("ClusterRole/" + ref.getName());
            checkSubjects(chart, binding, binding.getSubjects());
        }
        for (RoleBinding binding : chart.all(RoleBinding.class)) {
            RoleRef ref = binding.getRoleRef();
            assertThat(ref.getKind())
                    .as("roleRef kind of %s", binding.getMetadata().getName())
                    .isEqualTo("Role");
            assertThat(chart.all(Role.class))
                    .as(
                            "Role %s bound by %s in its namespace",
                            ref.getName(), binding.getMetadata().getName())
                    .anyMatch(r -> r.getMetadata().getName().equals(ref.getName())
                            && r.getMetadata()
                                    .getNamespace()
                                    .equals(binding.getMetadata().getNamespace()));
            boundRoles.add("Role/" + binding.getMetadata().getNamespace() + "/" + ref.getName());
            checkSubjects(chart, binding, binding.getSubjects());
        }
        for (ClusterRole role : chart.all(ClusterRole.class)) {
            assertThat(boundRoles)
                    .as("ClusterRole %s is bound", role.getMetadata().getName())
                    .contains("ClusterRole/" + role.getMetadata().getName());
            assertThat(role.getAggregationRule())
                    .as("aggregation on %s", role.getMetadata().getName())
                    .isNull();
            role.getRules().forEach(rule -> checkNoWildcards(role, rule));
        }
        for (Role role : chart.all(Role.class)) {
            assertThat(boundRoles)
                    .as("Role %s is bound", role.getMetadata().getName())
                    .contains("Role/" + role.getMetadata().getNamespace() + "/"
                            + role.getMetadata().getName());
            role.getRules().forEach(rule -> checkNoWildcards(role, rule));
        }
    }

    private static void checkSubjects(RenderedChart chart, HasMetadata binding, List<Subject> subjects) {
        assertThat(subjects)
                .as("subjects of %s", RenderedChart.describe(binding))
                .isNotEmpty();
        for (Subject subject : subjects) {
            assertThat(subject.getKind())
                    .as("subject kind in %s", RenderedChart.describe(binding))
                    .isEqualTo("ServiceAccount");
            assertThat(subject.getNamespace())
                    .as("subject namespace in %s", RenderedChart.describe(binding))
                    .isEqualTo(HelmChart.NAMESPACE);
            assertThat(chart.has(ServiceAccount.class, subject.getName()))
                    .as("ServiceAccount %s named in %s is shipped", subject.getName(), RenderedChart.describe(binding))
                    .isTrue();
        }
    }

    private static void checkNoWildcards(HasMetadata role, PolicyRule rule) {
        String where = RenderedChart.describe(role);
        assertThat(rule.getVerbs()).as("verbs in %s", where).isNotEmpty().doesNotContain("*");
        assertThat(rule.getResources())
                .as("resources in %s", where)
                .isNotEmpty()
                .doesNotContain("*");
        assertThat(rule.getApiGroups())
                .as("apiGroups in %s", where)
                .isNotEmpty()
                .doesNotContain("*");
        assertThat(rule.getNonResourceURLs()).as("nonResourceURLs in %s", where).isNullOrEmpty();
    }

    /** ServiceAccount name -> every grant it receives through any binding. */
    static Map<String, Set<Grant>> effectiveGrants(RenderedChart chart) {
        Map<String, Set<Grant>> grants = new LinkedHashMap<>();
        for (ClusterRoleBinding binding : chart.all(ClusterRoleBinding.class)) {
            ClusterRole role = chart.one(ClusterRole.class, binding.getRoleRef().getName());
            for (Subject subject : binding.getSubjects()) {
                grants.computeIfAbsent(subject.getName(), k -> new LinkedHashSet<>())
                        .addAll(flatten(Grant.CLUSTER, role.getRules()));
            }
        }
        for (RoleBinding binding : chart.all(RoleBinding.class)) {
            String namespace = binding.getMetadata().getNamespace();
            Role role = chart.all(Role.class).stream()
                    .filter(r -> r.getMetadata()
                                    .getName()
                                    .equals(binding.getRoleRef().getName())
                            && r.getMetadata().getNamespace().equals(namespace))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("RoleBinding "
                            + binding.getMetadata().getName() + " names a Role missing in " + namespace));
            for (Subject subject : binding.getSubjects()) {
                grants.computeIfAbsent(subject.getName(), k -> new LinkedHashSet<>())
                        .addAll(flatten(namespace, role.getRules()));
            }
        }
        return grants;
    }

    private static Set<Grant> flatten(String scope, List<PolicyRule> rules) {
        Set<Grant> grants = new LinkedHashSet<>();
        for (PolicyRule rule : rules) {
            List<String> names =
                    rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                            ? List.of("")
                            : rule.getResourceNames();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String name : names) {
                        rule.getVerbs().forEach(verb -> grants.add(new Grant(scope, group, resource, name, verb)));
                    }
                }
            }
        }
        return grants;
    }

    private static Map<String, String> accountsByComponent(RenderedChart chart) {
        Map<String, String> accounts = new LinkedHashMap<>();
        chart.podTemplates()
                .forEach((workload, template) -> accounts.put(
                        ChartObjectsTest.component(workload), template.getSpec().getServiceAccountName()));
        return accounts;
    }
}
