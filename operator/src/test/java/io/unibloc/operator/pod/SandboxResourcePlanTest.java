package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.CpuMemory;
import io.unibloc.api.v1alpha1.pod.SandboxResources;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** spec.resources checked as an API server checks a container's, plus the guest-memory floor; then mapped. */
class SandboxResourcePlanTest {
    /** Settings: 128Mi VMM overhead, 256Mi default guest memory, 250m per vCPU. */
    private static final PodSettings SETTINGS = Fixtures.SETTINGS;

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(
                        "cpu not a quantity",
                        resources(new CpuMemory("lots", null), null),
                        "spec.resources.requests.cpu 'lots' is not a quantity"),
                Arguments.of(
                        "cpu request above its limit",
                        resources(new CpuMemory("500m", null), new CpuMemory("200m", null)),
                        "spec.resources.requests.cpu must be less than or equal to spec.resources.limits.cpu"),
                Arguments.of(
                        "memory request above its limit",
                        resources(new CpuMemory(null, "1Gi"), new CpuMemory(null, "512Mi")),
                        "spec.resources.requests.memory must be less than or equal to spec.resources.limits.memory"),
                Arguments.of(
                        "memory limit below guest plus VMM",
                        resources(null, new CpuMemory(null, "300Mi")),
                        "spec.resources.limits.memory must be at least 384Mi (the guest's 256Mi plus the VMM's 128Mi)"),
                Arguments.of(
                        "memory request below the guest's memory",
                        resources(new CpuMemory(null, "200Mi"), null),
                        "spec.resources.requests.memory must be at least the guest's memory, 256Mi"),
                Arguments.of(
                        "negative cpu",
                        resources(new CpuMemory("-1", null), null),
                        "spec.resources.requests.cpu must not be negative"),
                Arguments.of(
                        "zero cpu limit",
                        resources(null, new CpuMemory("0", null)),
                        "spec.resources.limits.cpu must be more than 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWithTheFieldNamed(String name, SandboxResources resources, String message) {
        UnikernelPodSpec spec = Fixtures.spec("app:1");
        spec.setResources(resources);
        List<String> problems = SpecValidator.validate(spec, SETTINGS);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(message));
    }

    @Test
    void theFloorFollowsTheGuestsMemory() {
        UnikernelPodSpec spec = Fixtures.spec("app:1");
        spec.setMemory("1Gi");
        spec.setResources(resources(null, new CpuMemory(null, "1Gi")));
        assertThat(SandboxResourcePlan.problems(spec, SETTINGS))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("at least 1152Mi"));
        spec.setResources(resources(null, new CpuMemory(null, "1152Mi")));
        assertThat(SandboxResourcePlan.problems(spec, SETTINGS)).isEmpty();
    }

    @Test
    void defaultsAreTheSettingsWithoutACpuLimit() {
        UnikernelPodSpec spec = Fixtures.spec("app:1");
        ResourceRequirements r = SandboxResourcePlan.build(spec, 2, 256, SETTINGS);
        assertThat(r.getRequests())
                .as("the VMM's fixed memory is the RuntimeClass overhead, not requested twice")
                .containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("256Mi"))
                .containsEntry("unibloc.io/kvm", new Quantity("1"));
        assertThat(r.getLimits())
                .containsEntry("memory", new Quantity("384Mi"))
                .containsEntry("unibloc.io/kvm", new Quantity("1"))
                .doesNotContainKey("cpu");
    }

    @Test
    void theUsersValuesWinAndALimitAloneIsAlsoTheRequest() {
        UnikernelPodSpec spec = Fixtures.spec("app:1");
        spec.setResources(resources(new CpuMemory(null, "512Mi"), new CpuMemory("2", "1Gi")));
        assertThat(SandboxResourcePlan.problems(spec, SETTINGS)).isEmpty();
        ResourceRequirements r = SandboxResourcePlan.build(spec, 1, 256, SETTINGS);
        assertThat(r.getRequests())
                .as("a cpu limit without a request is the request too, as the API server defaults it")
                .containsEntry("cpu", new Quantity("2"))
                .containsEntry("memory", new Quantity("512Mi"));
        assertThat(r.getLimits()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("1Gi"));

        spec.setResources(resources(new CpuMemory("20m", "400Mi"), null));
        ResourceRequirements requestOnly = SandboxResourcePlan.build(spec, 1, 256, SETTINGS);
        assertThat(requestOnly.getRequests()).containsEntry("cpu", new Quantity("20m"));
        assertThat(requestOnly.getLimits())
                .as("memory limit follows a memory request that is above the floor")
                .containsEntry("memory", new Quantity("400Mi"))
                .doesNotContainKey("cpu");
    }

    private static SandboxResources resources(CpuMemory requests, CpuMemory limits) {
        return new SandboxResources(requests, limits);
    }
}
