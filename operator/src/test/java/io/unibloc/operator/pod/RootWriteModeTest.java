package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.operator.runtimeclass.RuntimeClasses;
import io.unibloc.types.WriteMode;
import java.util.List;
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
        assertThat(RootWriteMode.of(sandboxPod().build(), null)).isEqualTo(WriteMode.PERSISTENT);
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
        assertThat(RootWriteMode.of(pod, null)).isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void theRecordedAnnotationWins() {
        Pod pod = sandboxPod()
                .editMetadata()
                .addToAnnotations("unibloc.io/write-mode", "ephemeral")
                .endMetadata()
                .build();
        assertThat(RootWriteMode.of(pod, null))
                .as("a read-only ephemeral root has no overlay; the annotation says what it is")
                .isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void uruncIsTheRuntimeClassHandler() {
        assertThat(RootWriteMode.underUrunc("corp", found("corp", "urunc"))).isTrue();
        assertThat(RootWriteMode.underUrunc("unibloc-urunc", found("unibloc-urunc", "runc")))
                .as("a class named like the chart's that runs runc is the sandbox")
                .isFalse();
        assertThat(RootWriteMode.underUrunc("unibloc-kvm", new RuntimeClasses.Lookup.Missing()))
                .isFalse();
    }

    /** An unreadable class is no guess: a custom urunc class taken for the sandbox would get a root it cannot boot. */
    @Test
    void anUnreadableRuntimeClassIsNoGuessButAProblemNamingTheClassAndThePermission() {
        for (String name : List.of("corp-urunc", "unibloc-urunc", "unibloc-kvm")) {
            assertThatThrownBy(() -> RootWriteMode.underUrunc(
                            name, new RuntimeClasses.Lookup.Unknown("cannot read RuntimeClass " + name + ": HTTP 403")))
                    .isInstanceOf(RootWriteMode.Unreadable.class)
                    .hasMessageStartingWith("cannot read RuntimeClass " + name + ": HTTP 403")
                    .hasMessageContaining("write mode")
                    .hasMessageContaining("runtimeclasses.node.k8s.io");
        }
    }

    /**
     * The operator before issue 19 annotated only ephemeral claims and gave a read-only root no overlay: such a Pod
     * is ephemeral by its claim, not persistent for want of an overlay.
     */
    @Test
    void anOlderReadOnlyEphemeralPodIsEphemeralByItsClaim() {
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("web-0123456789-root")
                .addToAnnotations("unibloc.io/write-mode", "ephemeral")
                .addToAnnotations("unibloc.io/read-only", "true")
                .endMetadata()
                .build();
        assertThat(RootWriteMode.of(sandboxPod().build(), claim)).isEqualTo(WriteMode.EPHEMERAL);
        PersistentVolumeClaim unannotated = new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("web-0123456789-root")
                .endMetadata()
                .build();
        assertThat(RootWriteMode.of(sandboxPod().build(), unannotated)).isEqualTo(WriteMode.PERSISTENT);
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
