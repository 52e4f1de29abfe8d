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
    private static final String NAME = HelmChart.RELEASE + "-node-finalizers";

    static Stream<Values> variations() {
        return Variations.all();
    }

    static Job hookJob(RenderedChart chart) {
        return chart.one(Job.class, NAME);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void uninstallRunsTheControllerImageToRemoveTheNodeFinalizers(Values values) {
        RenderedChart chart = CHART.render(values);
        Job job = hookJob(chart);

        List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        String controllerImage = chart.one(
                        io.fabric8.kubernetes.api.model.apps.Deployment.class, HelmChart.RELEASE + "-csi-controller")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
        assertThat(containers.get(0).getImage()).isEqualTo(controllerImage);
        assertThat(containers.get(0).getArgs()).containsExactly("--remove-node-finalizers");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(NAME);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void theJobAndItsRbacArePostDeleteHooksDeletedOnceTheySucceeded(Values values) {
        RenderedChart chart = CHART.render(values);
        List<HasMetadata> hookObjects = List.of(
                chart.one(ServiceAccount.class, NAME),
                chart.one(ClusterRole.class, NAME),
                chart.one(ClusterRoleBinding.class, NAME),
                hookJob(chart));

        for (HasMetadata object : hookObjects) {
            Map<String, String> annotations = object.getMetadata().getAnnotations();
            assertThat(annotations)
                    .as(RenderedChart.describe(object))
                    .containsEntry("helm.sh/hook", "post-delete")
                    .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
        }
        int job = weight(hookJob(chart));
        assertThat(weight(chart.one(ClusterRoleBinding.class, NAME)))
                .as("the binding exists before the Job runs")
                .isLessThan(job);
        assertThat(weight(chart.one(ClusterRole.class, NAME))).isLessThan(job);
        assertThat(weight(chart.one(ServiceAccount.class, NAME))).isLessThan(job);
        assertThat(chart.one(ClusterRoleBinding.class, NAME).getRoleRef().getName())
                .isEqualTo(NAME);
    }

    private static int weight(HasMetadata object) {
        return Integer.parseInt(object.getMetadata().getAnnotations().getOrDefault("helm.sh/hook-weight", "0"));
    }
}
