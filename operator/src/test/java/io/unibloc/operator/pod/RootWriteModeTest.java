package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
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
}
