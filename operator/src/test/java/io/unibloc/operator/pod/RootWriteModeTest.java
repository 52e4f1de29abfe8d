package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.operator.runtimeclass.RuntimeClasses;
import io.unibloc.types.WriteMode;
import org.junit.jupiter.api.Test;

/** The mode a running Pod reports is the one it was made with, also for Pods of an operator before issue 19. */
class RootWriteModeTest {
    private static PodBuilder sandboxPod() {
        return new PodBuilder()
                .withNewMetadata()
                .withName("web-0123456789")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("sandbox")
                .addNewEnv()
                .withName("UNIBLOC_BOOT_SPEC")
                .withValue("{}")
                .endEnv()
                .endContainer()
                .endSpec();
    }

    @Test
    void anOlderPodWithoutAnOverlayWasMadePersistentAndStaysSo() {
        assertThat(RootWriteMode.of(sandboxPod().build())).isEqualTo(WriteMode.PERSISTENT);
    }

    @Test
    void anOlderPodBootingThroughAnOverlayIsEphemeral() {
        Pod pod = sandboxPod()
                .editSpec()
                .editFirstContainer()
                .addNewEnv()
                .withName("UNIBLOC_ROOT_OVERLAY")
                .withValue("/scratch/root.qcow2")
                .endEnv()
                .endContainer()
                .endSpec()
                .build();
        assertThat(RootWriteMode.of(pod)).isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void theRecordedAnnotationWins() {
        Pod pod = sandboxPod()
                .editMetadata()
                .addToAnnotations("unibloc.io/write-mode", "ephemeral")
                .endMetadata()
                .build();
        assertThat(RootWriteMode.of(pod))
                .as("a read-only ephemeral root has no overlay; the annotation says what it is")
                .isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void uruncIsTheRuntimeClassHandlerWhenItCanBeReadElseTheChartsName() {
        assertThat(RootWriteMode.underUrunc("corp", found("corp", "urunc"))).isTrue();
        assertThat(RootWriteMode.underUrunc("unibloc-urunc", found("unibloc-urunc", "runc")))
                .as("a class named like the chart's that runs runc is the sandbox")
                .isFalse();
        assertThat(RootWriteMode.underUrunc("unibloc-urunc", new RuntimeClasses.Lookup.Unknown("403")))
                .isTrue();
        assertThat(RootWriteMode.underUrunc("unibloc-kvm", new RuntimeClasses.Lookup.Missing()))
                .isFalse();
    }

    @Test
    void onlyAnExplicitWritableEphemeralRootIsAProblemUnderUrunc() {
        assertThat(RootWriteMode.uruncProblem(spec(WriteMode.EPHEMERAL, null), "corp"))
                .get()
                .asString()
                .startsWith("spec.rootfs.writeMode: ephemeral cannot be served under RuntimeClass corp (handler urunc)")
                .contains("set writeMode persistent");
        assertThat(RootWriteMode.uruncProblem(spec(WriteMode.EPHEMERAL, true), "corp"))
                .isEmpty();
        assertThat(RootWriteMode.uruncProblem(spec(null, null), "corp")).isEmpty();
        assertThat(RootWriteMode.uruncProblem(spec(WriteMode.PERSISTENT, null), "corp"))
                .isEmpty();
    }

    private static RuntimeClasses.Lookup found(String name, String handler) {
        return new RuntimeClasses.Lookup.Found(new RuntimeClassBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withHandler(handler)
                .build());
    }

    private static UnikernelPodSpec spec(WriteMode mode, Boolean readOnly) {
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage("registry.example.com/app:1.0");
        Rootfs rootfs = new Rootfs();
        rootfs.setWriteMode(mode);
        rootfs.setReadOnly(readOnly);
        spec.setRootfs(rootfs);
        return spec;
    }
}
