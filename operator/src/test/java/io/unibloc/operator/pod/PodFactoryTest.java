package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.Guest;
import io.unibloc.api.v1alpha1.pod.KeyRef;
import io.unibloc.api.v1alpha1.pod.RestartPolicy;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.operator.network.NetworkPlan;
import io.unibloc.types.FsType;
import io.unibloc.types.Vmm;
import io.unibloc.types.WriteMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodFactoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static UnikernelPod fullSpec() {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        spec.setVcpus(2);
        spec.setMemory("512Mi");
        spec.setArgs(List.of("serve"));
        spec.setRootfs(new Rootfs("2Gi", FsType.VFAT, true));
        spec.setRestartPolicy(RestartPolicy.OnFailure);
        spec.setNodeSelector(Map.of("zone", "a"));
        spec.setTolerations(List.of(new Toleration("NoSchedule", "dedicated", "Equal", null, "unikernels")));
        spec.setAffinity(new AffinityBuilder()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey("kvm")
                .withOperator("Exists")
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .build());
        spec.setImagePullSecrets(List.of(new LocalObjectReference("regcred"), new LocalObjectReference("other")));
        spec.setFiles(List.of(
                new FileProjection("/etc/app.conf", new KeyRef("app-config", "app.conf"), null, null),
                new FileProjection("/etc/token", null, new KeyRef("token", "value"), 0400)));
        return Fixtures.ukp("web", spec);
    }

    private static Pod build(UnikernelPod ukp) {
        return PodFactory.build(
                ukp,
                Fixtures.pinned(ukp.getSpec().getImage(), Map.of("io.unibloc.kernel", "/boot/k")),
                "0123456789",
                Fixtures.SETTINGS);
    }

    @Test
    void metadataNamesOwnerRevisionAndImage() {
        UnikernelPod ukp = fullSpec();
        Pod pod = build(ukp);
        assertThat(pod.getMetadata().getName()).isEqualTo("web-0123456789");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("apps");
        assertThat(pod.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "unibloc-operator")
                .containsEntry("unibloc.io/unikernel-pod", "web");
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("unibloc.io/revision", "0123456789")
                .containsEntry("unibloc.io/image", "registry.example.com/demo/app@" + Fixtures.DIGEST);
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("UnikernelPod");
            assertThat(o.getApiVersion()).isEqualTo("unibloc.io/v1alpha1");
            assertThat(o.getName()).isEqualTo("web");
            assertThat(o.getUid()).isEqualTo("uid-web");
            assertThat(o.getController()).isTrue();
            assertThat(o.getBlockOwnerDeletion()).isTrue();
        });
    }

    @Test
    void schedulingFieldsPassThroughAndRuntimeClassDefaults() {
        UnikernelPod ukp = fullSpec();
        Pod pod = build(ukp);
        assertThat(pod.getSpec().getRuntimeClassName()).isEqualTo("unibloc-kvm");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("OnFailure");
        assertThat(pod.getSpec().getNodeSelector()).isEqualTo(Map.of("zone", "a"));
        assertThat(pod.getSpec().getTolerations()).isEqualTo(ukp.getSpec().getTolerations());
        assertThat(pod.getSpec().getAffinity()).isEqualTo(ukp.getSpec().getAffinity());
        assertThat(pod.getSpec().getImagePullSecrets())
                .as("the guest image's secrets are not the sandbox's")
                .isNullOrEmpty();
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();

        ukp.getSpec().setRuntimeClassName("unibloc-urunc");
        ukp.getSpec().setRestartPolicy(null);
        Pod other = build(ukp);
        assertThat(other.getSpec().getRuntimeClassName()).isEqualTo("unibloc-urunc");
        assertThat(other.getSpec().getRestartPolicy()).isEqualTo("Always");
    }

    @Test
    void sandboxContainerGetsDeviceBootSpecResourcesAndNoPrivileges() throws Exception {
        Pod pod = build(fullSpec());
        Container c = pod.getSpec().getContainers().get(0);
        assertThat(pod.getSpec().getContainers()).hasSize(1);
        assertThat(c.getName()).isEqualTo("sandbox");
        assertThat(c.getImage()).isEqualTo("unibloc/sandbox:0.1.0");
        assertThat(c.getVolumeDevices()).singleElement().satisfies(d -> {
            assertThat(d.getName()).isEqualTo("root");
            assertThat(d.getDevicePath()).isEqualTo("/dev/unibloc-root");
        });
        assertThat(c.getResources().getLimits())
                .containsEntry("memory", new Quantity("640Mi"))
                .containsEntry("unibloc.io/kvm", new Quantity("1"))
                .doesNotContainKey("cpu");
        assertThat(c.getResources().getRequests())
                .as("the guest's memory; the VMM's is the RuntimeClass overhead")
                .containsEntry("memory", new Quantity("512Mi"))
                .containsEntry("unibloc.io/kvm", new Quantity("1"))
                .containsEntry("cpu", new Quantity("500m"));
        assertThat(c.getSecurityContext().getPrivileged()).isFalse();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getEnv()).extracting(e -> e.getName()).containsExactly("UNIBLOC_BOOT_SPEC", "UNIBLOC_READY_FILE");
        JsonNode boot = JSON.readTree(c.getEnv().get(0).getValue());
        assertThat(boot.get("kernel").asText()).isEqualTo("/boot/k");
        assertThat(boot.get("vcpus").asInt()).isEqualTo(2);
        assertThat(boot.get("memoryMiB").asInt()).isEqualTo(512);
        assertThat(boot.get("readOnly").asBoolean()).isTrue();
        assertThat(boot.get("args").get(0).asText()).isEqualTo("serve");
        assertThat(c.getVolumeMounts())
                .extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getReadOnly())
                .containsExactly(
                        "files-0:/run/unibloc/files/0:true",
                        "files-1:/run/unibloc/files/1:true",
                        "run:/run/unibloc:null");
    }

    @Test
    void theSandboxStartsOnItsReadyFileAndReportsItsEndInTheTerminationLog() {
        Pod pod = build(fullSpec());
        Container c = pod.getSpec().getContainers().get(0);
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("UNIBLOC_READY_FILE");
            assertThat(e.getValue()).isEqualTo("/run/unibloc/ready");
        });
        assertThat(c.getEnv()).noneSatisfy(e -> assertThat(e.getName()).isEqualTo("UNIBLOC_BOOT_TIMEOUT_SECONDS"));
        assertThat(c.getStartupProbe().getExec().getCommand()).containsExactly("test", "-f", "/run/unibloc/ready");
        assertThat(c.getStartupProbe().getPeriodSeconds()).isEqualTo(1);
        assertThat(c.getStartupProbe().getInitialDelaySeconds()).isNull();
        assertThat(c.getReadinessProbe())
                .as("no exec readiness probe for the Pod's whole life: Ready follows the startup probe")
                .isNull();
        assertThat(c.getLivenessProbe()).isNull();
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(pod.getSpec().getVolumes())
                .filteredOn(v -> "run".equals(v.getName()))
                .singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

        PodSettings s = Fixtures.SETTINGS;
        PodSettings withTimeout = new PodSettings(
                s.runtimeClassName(),
                s.storageClassName(),
                s.sandboxImage(),
                s.sandboxImagePullPolicy(),
                s.sandboxImagePullSecrets(),
                s.vmmOverheadMiB(),
                s.defaultMemory(),
                s.defaultRootfsSize(),
                s.cpuRequestPerVcpuMillis(),
                90,
                true);
        UnikernelPod ukp = fullSpec();
        Container timed = PodFactory.build(
                        ukp, Fixtures.pinned(ukp.getSpec().getImage(), Map.of()), "0123456789", withTimeout)
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(timed.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("UNIBLOC_BOOT_TIMEOUT_SECONDS");
            assertThat(e.getValue()).isEqualTo("90");
        });
        assertThat(timed.getResources().getLimits())
                .as("TCG nodes offer unibloc.io/kvm when emulation is allowed")
                .containsEntry("unibloc.io/kvm", new Quantity("1"));
    }

    @Test
    void anEphemeralRootGetsTheClaimAnnotationAScratchVolumeBoundedByTheRootfsSizeAndTheOverlayPath() {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        Rootfs rootfs = new Rootfs("3Gi", null, null);
        rootfs.setWriteMode(WriteMode.EPHEMERAL);
        spec.setRootfs(rootfs);
        Pod pod = build(Fixtures.ukp("scratchy", spec));

        assertThat(claimAnnotations(pod)).containsEntry("unibloc.io/write-mode", "ephemeral");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("unibloc.io/write-mode", "ephemeral");
        Volume scratch = pod.getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("scratch"))
                .findFirst()
                .orElseThrow();
        assertThat(scratch.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("3Gi"));
        Container sandbox = pod.getSpec().getContainers().get(0);
        assertThat(sandbox.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("scratch");
            assertThat(m.getMountPath()).isEqualTo("/scratch");
        });
        assertThat(sandbox.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("UNIBLOC_ROOT_OVERLAY");
            assertThat(e.getValue()).isEqualTo("/scratch/root.qcow2");
        });
    }

    /** Issue 19: density by default. No writeMode is an ephemeral root, with its overlay, on the default VMM. */
    @Test
    void withoutAWriteModeTheRootIsEphemeralAndBootsThroughAnOverlay() {
        Pod pod = build(Fixtures.ukp("plain", Fixtures.spec("registry.example.com/demo/app:1.0")));

        assertThat(claimAnnotations(pod)).containsEntry("unibloc.io/write-mode", "ephemeral");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("unibloc.io/write-mode", "ephemeral");
        assertOverlay(pod, true);
        assertThat(RootWriteMode.of(pod, null)).isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void anExplicitPersistentRootIsAPrivateCloneWithoutOverlay() {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        Rootfs rootfs = new Rootfs("2Gi", null, null);
        rootfs.setWriteMode(WriteMode.PERSISTENT);
        spec.setRootfs(rootfs);
        Pod pod = build(Fixtures.ukp("keeper", spec));

        assertThat(claimAnnotations(pod))
                .as("said on the claim, not left to the StorageClass's default")
                .containsEntry("unibloc.io/write-mode", "persistent");
        assertOverlay(pod, false);
        assertThat(RootWriteMode.of(pod, null)).isEqualTo(WriteMode.PERSISTENT);
    }

    /**
     * A replacement of a UnikernelPod whose Pod was persistent (made before the default changed) stays persistent
     * while the spec leaves writeMode unset: its root writes must not vanish because a Pod ended or was evicted. A
     * spec that sets the mode wins, and a first Pod gets the default.
     */
    @Test
    void aReplacementKeepsThePersistentModeOfTheEarlierPodUnlessTheSpecSetsOne() {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        UnikernelPod ukp = Fixtures.ukp("kept", spec);
        var image = Fixtures.pinned(spec.getImage(), Map.of());
        var plan = NetworkPlan.initial(spec, Fixtures.SETTINGS.defaultNetworkMode(), Map.of());

        Pod kept = PodFactory.build(ukp, image, "0123456789", Fixtures.SETTINGS, plan, false, WriteMode.PERSISTENT);
        assertThat(claimAnnotations(kept)).containsEntry("unibloc.io/write-mode", "persistent");
        assertOverlay(kept, false);

        Pod fromEphemeral =
                PodFactory.build(ukp, image, "0123456789", Fixtures.SETTINGS, plan, false, WriteMode.EPHEMERAL);
        assertThat(claimAnnotations(fromEphemeral)).containsEntry("unibloc.io/write-mode", "ephemeral");

        Rootfs rootfs = new Rootfs();
        rootfs.setWriteMode(WriteMode.EPHEMERAL);
        spec.setRootfs(rootfs);
        Pod asked = PodFactory.build(ukp, image, "0123456789", Fixtures.SETTINGS, plan, false, WriteMode.PERSISTENT);
        assertThat(claimAnnotations(asked)).containsEntry("unibloc.io/write-mode", "ephemeral");
    }

    /** An ephemeral UnikernelPod whose spec moved to firecracker cannot keep ephemeral: the rule makes it persistent. */
    @Test
    void aKeptEphemeralModeStillFollowsWhatTheGuestCanBoot() {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        spec.setGuest(Guest.LINUX);
        spec.setVmm(Vmm.FIRECRACKER);
        UnikernelPod ukp = Fixtures.ukp("moved", spec);
        Map<String, String> labels = Map.of("io.unibloc.kernel", "/boot/k");
        Pod pod = PodFactory.build(
                ukp,
                Fixtures.pinned(spec.getImage(), labels),
                "0123456789",
                Fixtures.SETTINGS,
                NetworkPlan.initial(spec, Fixtures.SETTINGS.defaultNetworkMode(), labels),
                false,
                WriteMode.EPHEMERAL);
        assertThat(claimAnnotations(pod)).containsEntry("unibloc.io/write-mode", "persistent");
    }

    /** Only QEMU boots a qcow2 overlay: a writable root under another VMM, from the spec or the image, is persistent. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "vmm firecracker in the spec, firecracker, ''",
        "vmm cloud-hypervisor in the spec, cloud-hypervisor, ''",
        "io.unibloc.vmm label firecracker, '', firecracker",
        "io.unibloc.vmm label cloud-hypervisor, '', cloud-hypervisor"
    })
    void aWritableRootWithoutAWriteModeIsPersistentWhereTheVmmCannotBootAnOverlay(
            String name, String specVmm, String labelVmm) {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        spec.setGuest(Guest.LINUX);
        if (!specVmm.isEmpty()) {
            spec.setVmm(specVmm.equals("firecracker") ? Vmm.FIRECRACKER : Vmm.CLOUD_HYPERVISOR);
        }
        Map<String, String> labels = labelVmm.isEmpty()
                ? Map.of("io.unibloc.kernel", "/boot/k")
                : Map.of("io.unibloc.kernel", "/boot/k", "io.unibloc.vmm", labelVmm);
        UnikernelPod ukp = Fixtures.ukp("fc", spec);
        Pod pod = PodFactory.build(ukp, Fixtures.pinned(spec.getImage(), labels), "0123456789", Fixtures.SETTINGS);

        assertThat(claimAnnotations(pod)).containsEntry("unibloc.io/write-mode", "persistent");
        assertOverlay(pod, false);
    }

    @Test
    void aQemuLabelKeepsTheDefaultEphemeral() {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        UnikernelPod ukp = Fixtures.ukp("q", spec);
        Pod pod = PodFactory.build(
                ukp,
                Fixtures.pinned(spec.getImage(), Map.of("io.unibloc.vmm", "qemu")),
                "0123456789",
                Fixtures.SETTINGS);
        assertThat(claimAnnotations(pod)).containsEntry("unibloc.io/write-mode", "ephemeral");
        assertOverlay(pod, true);
    }

    /** A read-only root needs no overlay, so it shares the image's device under every VMM and gets no scratch. */
    @Test
    void aReadOnlyRootWithoutAWriteModeIsEphemeralUnderEveryVmmAndNeedsNoOverlay() {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        spec.setGuest(Guest.LINUX);
        spec.setVmm(Vmm.FIRECRACKER);
        spec.setRootfs(new Rootfs(null, null, true));
        Pod pod = build(Fixtures.ukp("ro", spec));

        assertThat(claimAnnotations(pod)).containsEntry("unibloc.io/write-mode", "ephemeral");
        assertOverlay(pod, false);
        assertThat(RootWriteMode.of(pod, null)).isEqualTo(WriteMode.EPHEMERAL);
    }

    /** Files no longer keep a clone: the sandbox writes them into the guest's own overlay (issue 19, item 2). */
    @Test
    void filesWithoutAWriteModeGoWithAnEphemeralRootAndItsOverlay() throws Exception {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/demo/app:1.0");
        spec.setFiles(List.of(new FileProjection("/etc/app.conf", new KeyRef("app-config", "app.conf"), null, null)));
        Pod pod = build(Fixtures.ukp("configured", spec));

        assertThat(claimAnnotations(pod)).containsEntry("unibloc.io/write-mode", "ephemeral");
        assertOverlay(pod, true);
        assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName).contains("files-0");
        JsonNode boot = JSON.readTree(
                pod.getSpec().getContainers().get(0).getEnv().get(0).getValue());
        assertThat(boot.get("files").get(0).get("target").asText()).isEqualTo("/etc/app.conf");
    }

    private static Map<String, String> claimAnnotations(Pod pod) {
        return pod.getSpec()
                .getVolumes()
                .get(0)
                .getEphemeral()
                .getVolumeClaimTemplate()
                .getMetadata()
                .getAnnotations();
    }

    private static void assertOverlay(Pod pod, boolean expected) {
        Container sandbox = pod.getSpec().getContainers().get(0);
        if (expected) {
            assertThat(pod.getSpec().getVolumes())
                    .anySatisfy(v -> assertThat(v.getName()).isEqualTo("scratch"));
            assertThat(sandbox.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("UNIBLOC_ROOT_OVERLAY"));
        } else {
            assertThat(pod.getSpec().getVolumes())
                    .noneSatisfy(v -> assertThat(v.getName()).isEqualTo("scratch"));
            assertThat(sandbox.getEnv())
                    .noneSatisfy(e -> assertThat(e.getName()).isEqualTo("UNIBLOC_ROOT_OVERLAY"));
        }
    }

    @Test
    void rootVolumeIsABlockModeEphemeralClaimAnnotatedWithThePinnedImage() {
        Pod pod = build(fullSpec());
        Volume root = pod.getSpec().getVolumes().get(0);
        assertThat(root.getName()).isEqualTo("root");
        var template = root.getEphemeral().getVolumeClaimTemplate();
        assertThat(template.getMetadata().getAnnotations())
                .containsEntry("unibloc.io/image", "registry.example.com/demo/app@" + Fixtures.DIGEST)
                .containsEntry("unibloc.io/unikernel-pod", "web")
                .containsEntry("unibloc.io/fs-type", "vfat")
                .containsEntry("unibloc.io/read-only", "true")
                .containsEntry("unibloc.io/pull-secrets", "regcred,other");
        assertThat(template.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "unibloc-operator");
        PersistentVolumeClaimSpec claim = template.getSpec();
        assertThat(claim.getVolumeMode()).isEqualTo("Block");
        assertThat(claim.getStorageClassName()).isEqualTo("unibloc");
        assertThat(claim.getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getResources().getRequests()).containsEntry("storage", new Quantity("2Gi"));
    }

    @Test
    void filesAreProjectedOneVolumeEach() {
        Pod pod = build(fullSpec());
        Volume first = pod.getSpec().getVolumes().get(1);
        Volume second = pod.getSpec().getVolumes().get(2);
        assertThat(first.getName()).isEqualTo("files-0");
        assertThat(first.getProjected().getSources()).singleElement().satisfies(s -> {
            assertThat(s.getConfigMap().getName()).isEqualTo("app-config");
            assertThat(s.getConfigMap().getItems())
                    .singleElement()
                    .satisfies(i -> assertThat(i.getKey() + "->" + i.getPath()).isEqualTo("app.conf->app.conf"));
        });
        assertThat(second.getProjected().getSources()).singleElement().satisfies(s -> {
            assertThat(s.getSecret().getName()).isEqualTo("token");
            assertThat(s.getSecret().getItems().get(0).getKey()).isEqualTo("value");
        });
    }

    @Test
    void defaultsComeFromTheOperatorSettings() {
        UnikernelPod ukp = Fixtures.ukp("plain", Fixtures.spec("app:1"));
        Pod pod = PodFactory.build(ukp, Fixtures.pinned("app:1", Map.of()), "aaaaaaaaaa", Fixtures.SETTINGS);
        Container c = pod.getSpec().getContainers().get(0);
        assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("384Mi"));
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("250m"));
        var template = pod.getSpec().getVolumes().get(0).getEphemeral().getVolumeClaimTemplate();
        assertThat(template.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
        assertThat(template.getMetadata().getAnnotations())
                .containsEntry("unibloc.io/fs-type", "ext4")
                .containsEntry("unibloc.io/read-only", "false")
                .doesNotContainKey("unibloc.io/pull-secrets")
                .containsEntry("unibloc.io/image", "docker.io/library/app@" + Fixtures.DIGEST);
        assertThat(pod.getSpec().getVolumes())
                .as("the default root is ephemeral: its overlay's scratch space")
                .extracting(Volume::getName)
                .containsExactly("root", "scratch", "run");
    }

    @Test
    void longNamesAreShortenedSoThatTheClaimNameFits() {
        String longName = "a".repeat(240) + "-b";
        Pod pod = PodFactory.build(
                Fixtures.ukp(longName, Fixtures.spec("app:1")),
                Fixtures.pinned("app:1", Map.of()),
                "0123456789",
                Fixtures.SETTINGS);
        String podName = pod.getMetadata().getName();
        assertThat(PodNames.claimName(podName)).hasSizeLessThanOrEqualTo(253);
        assertThat(podName).endsWith("-0123456789").doesNotContain("--");
        assertThat(pod.getMetadata().getLabels())
                .as("a label value holds at most 63 characters")
                .doesNotContainKey("unibloc.io/unikernel-pod");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("unibloc.io/unikernel-pod", longName);
    }
}
