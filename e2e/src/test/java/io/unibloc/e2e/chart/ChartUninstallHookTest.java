package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The csi-controller's Node finalizer must not outlive the release: {@code helm uninstall} runs a hook Job with the
 * csi-controller image and {@code --remove-node-finalizers}, after the controller itself is gone (post-delete, or a
 * running controller would put the finalizer back), with RBAC of its own that exists only for the hook and is
 * deleted, like the Job, once it succeeded.
 */
class ChartUninstallHookTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    static Stream<Values> variations() {
        return Variations.all();
    }

    /** The one hook Job (its name follows the release's full name, which values may override). */
    static Job hookJob(RenderedChart hooks) {
        return only(hooks, Job.class);
    }

    private static <T extends HasMetadata> T only(RenderedChart hooks, Class<T> type) {
        List<T> all = hooks.all(type);
        assertThat(all)
                .as("%s hooks in %s", type.getSimpleName(), hooks.names())
                .hasSize(1);
        assertThat(all.get(0).getMetadata().getName()).endsWith("-node-finalizers");
        return all.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void uninstallRunsTheControllerImageToRemoveTheNodeFinalizers(Values values) {
        RenderedChart chart = CHART.render(values);
        Job job = hookJob(CHART.hooks(values));

        List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        String controllerImage = chart.all(io.fabric8.kubernetes.api.model.apps.Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().endsWith("-csi-controller"))
                .findFirst()
                .orElseThrow()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
        assertThat(containers.get(0).getImage()).isEqualTo(controllerImage);
        assertThat(containers.get(0).getArgs()).containsExactly("--remove-node-finalizers");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        // Not in `helm template`'s output, so the chart-wide container checks do not see it: the same rules here.
        assertThat(containers.get(0).getSecurityContext().getReadOnlyRootFilesystem())
                .isTrue();
        assertThat(containers.get(0).getSecurityContext().getAllowPrivilegeEscalation())
                .isFalse();
        assertThat(containers.get(0).getResources().getLimits()).containsKey("memory");
        assertThat(job.getSpec().getActiveDeadlineSeconds())
                .as("a hook that hangs must not block the uninstall for ever")
                .isPositive();
        assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(job.getMetadata().getName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void theJobAndItsRbacArePostDeleteHooksDeletedOnceTheySucceeded(Values values) {
        RenderedChart hooks = CHART.hooks(values);
        ServiceAccount account = only(hooks, ServiceAccount.class);
        ClusterRole role = only(hooks, ClusterRole.class);
        ClusterRoleBinding binding = only(hooks, ClusterRoleBinding.class);
        Job job = hookJob(hooks);
        List<HasMetadata> hookObjects = List.of(account, role, binding, job);

        for (HasMetadata object : hookObjects) {
            Map<String, String> annotations = object.getMetadata().getAnnotations();
            assertThat(annotations)
                    .as(RenderedChart.describe(object))
                    .containsEntry("helm.sh/hook", "post-delete")
                    .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
        }
        int jobWeight = weight(job);
        assertThat(weight(binding)).as("the binding exists before the Job runs").isLessThan(jobWeight);
        assertThat(weight(role)).isLessThan(jobWeight);
        assertThat(weight(account)).isLessThan(jobWeight);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects())
                .singleElement()
                .satisfies(subject -> assertThat(subject.getName())
                        .isEqualTo(account.getMetadata().getName()));
    }

    private static int weight(HasMetadata object) {
        return Integer.parseInt(object.getMetadata().getAnnotations().getOrDefault("helm.sh/hook-weight", "0"));
    }
}
