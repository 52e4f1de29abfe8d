package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.operator.network.NetworkPlan;
import io.unibloc.operator.network.NetworkPodParts;
import io.unibloc.registry.pin.PinnedImage;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Pod that runs one UnikernelPod's guest: a sandbox container with the root volume as a raw block
 * device, the boot spec in its environment, one projected volume per file, memory for the guest plus
 * the VMM, one {@code unibloc.io/kvm} device (so {@code /dev/kvm} comes from the device plugin, never
 * from privileged mode), and the spec's scheduling fields as they are. The root volume is built here as a
 * generic ephemeral volume's claim template; {@code RootClaims.split} turns that template into an ordinary
 * claim that the operator creates before the Pod (controlled by the UnikernelPod) and a Pod volume that
 * names it. The root's write mode ({@link RootWriteMode}: ephemeral unless the guest could not boot it) is annotated
 * on the Pod and the claim; an ephemeral root the guest may write gets a scratch emptyDir for its overlay. The
 * sandbox's ready file on an emptyDir and a startup probe ({@link SandboxProbes}) make the
 * Pod Ready only once the guest wrote to its console, and cost nothing after. The Pod is owned by the
 * UnikernelPod, so deleting that removes everything.
 */
public final class PodFactory {
    /** The sandbox's own reader writes the JSON, so both sides share one mapping. */
    private static final BootSpecReader BOOT_SPEC_JSON = new BootSpecReader();
    /** An ephemeral root's scratch emptyDir, where the sandbox puts the guest's copy-on-write overlay. */
    static final String SCRATCH_VOLUME = "scratch";

    static final String SCRATCH_DIR = "/scratch";
    static final String ROOT_OVERLAY_ENV = "UNIBLOC_ROOT_OVERLAY";
    static final String ROOT_OVERLAY = SCRATCH_DIR + "/root.qcow2";
    /** The sandbox's run directory (an emptyDir): its ready file lives here. */
    static final String RUN_VOLUME = "run";

    static final String RUN_DIR = "/run/unibloc";
    /** Created by the sandbox at the guest's first console output: the readiness evidence. */
    static final String READY_FILE = RUN_DIR + "/ready";

    static final String READY_FILE_ENV = "UNIBLOC_READY_FILE";
    static final String BOOT_TIMEOUT_ENV = "UNIBLOC_BOOT_TIMEOUT_SECONDS";

    private PodFactory() {}

    /** @param ukp a UnikernelPod whose spec passed {@link SpecValidator} */
    public static Pod build(UnikernelPod ukp, PinnedImage image, String revision, PodSettings settings) {
        return build(
                ukp,
                image,
                revision,
                settings,
                NetworkPlan.initial(ukp.getSpec(), settings.defaultNetworkMode(), image.labels()));
    }

    /** A Pod run by the unibloc sandbox. @param network the concrete network mode of this Pod */
    public static Pod build(
            UnikernelPod ukp, PinnedImage image, String revision, PodSettings settings, NetworkPlan network) {
        return build(ukp, image, revision, settings, network, false, null);
    }

    /**
     * @param network the concrete network mode of this Pod ({@link NetworkPodParts} adds what it needs)
     * @param urunc whether its RuntimeClass runs urunc, which cannot boot an overlay ({@link RootWriteMode})
     * @param kept the write mode of the UnikernelPod's earlier Pod, or {@code null} for its first one ({@link
     *     RootWriteMode#resolve})
     */
    public static Pod build(
            UnikernelPod ukp,
            PinnedImage image,
            String revision,
            PodSettings settings,
            NetworkPlan network,
            boolean urunc,
            WriteMode kept) {
        UnikernelPodSpec spec = ukp.getSpec();
        BootSpec boot = BootSpecFactory.build(spec, image.labels(), settings, network);
        String owner = ukp.getMetadata().getName();
        String podName = PodNames.podName(owner, revision);

        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PodNames.LABEL_MANAGED_BY, PodNames.MANAGED_BY);
        if (owner.length() <= 63) {
            labels.put(PodNames.LABEL_OWNER, owner);
        }
        Map<String, String> podAnnotations = new LinkedHashMap<>();
        podAnnotations.put(PodNames.ANNOTATION_OWNER, owner);
        podAnnotations.put(PodNames.ANNOTATION_REVISION, revision);
        podAnnotations.put(ClaimAnnotations.IMAGE, image.byDigest());
        WriteMode writeMode = RootWriteMode.resolve(spec, boot, urunc, kept);
        // Recorded on the Pod (and its claim) as made: status reads it back, whatever a later default says.
        podAnnotations.put(ClaimAnnotations.WRITE_MODE, writeMode.id());

        List<Volume> volumes = new ArrayList<>();
        volumes.add(rootVolume(ukp, image, labels, settings, writeMode));
        List<VolumeMount> mounts = new ArrayList<>();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(READY_FILE_ENV, READY_FILE, null));
        if (settings.bootTimeoutSeconds() != null) {
            env.add(new EnvVar(BOOT_TIMEOUT_ENV, Integer.toString(settings.bootTimeoutSeconds()), null));
        }
        if (RootWriteMode.needsOverlay(writeMode, boot)) {
            // The guest's writes live in this overlay; the emptyDir's size limit (the rootfs size) bounds them.
            volumes.add(new VolumeBuilder()
                    .withName(SCRATCH_VOLUME)
                    .withNewEmptyDir()
                    .withSizeLimit(new Quantity(rootfsSize(spec, settings)))
                    .endEmptyDir()
                    .build());
            mounts.add(new VolumeMountBuilder()
                    .withName(SCRATCH_VOLUME)
                    .withMountPath(SCRATCH_DIR)
                    .build());
            env.add(new EnvVar(ROOT_OVERLAY_ENV, ROOT_OVERLAY, null));
        }
        List<FileProjection> files = spec.getFiles() == null ? List.of() : spec.getFiles();
        for (int i = 0; i < files.size(); i++) {
            volumes.add(fileVolume(i, files.get(i)));
            mounts.add(new VolumeMountBuilder()
                    .withName(fileVolumeName(i))
                    .withMountPath(PodNames.FILES_DIR + "/" + i)
                    .withReadOnly(true)
                    .build());
        }
        // Running means running: the Pod turns Ready only once the guest wrote to its console (the ready file).
        volumes.add(new VolumeBuilder()
                .withName(RUN_VOLUME)
                .withNewEmptyDir()
                .withSizeLimit(new Quantity("1Mi"))
                .endEmptyDir()
                .build());
        mounts.add(new VolumeMountBuilder()
                .withName(RUN_VOLUME)
                .withMountPath(RUN_DIR)
                .build());

        // No readiness/liveness of our own: the user's (spec.readinessProbe/livenessProbe), if any.
        SandboxProbes.Probes probes = SandboxProbes.of(
                boot.bootTimeoutSeconds(),
                settings.bootTimeoutSeconds(),
                spec.getReadinessProbe(),
                spec.getLivenessProbe());
        List<LocalObjectReference> sandboxPullSecrets = settings.sandboxImagePullSecrets().stream()
                .map(LocalObjectReference::new)
                .toList();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(podName)
                .withNamespace(ukp.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(podAnnotations)
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(ukp.getApiVersion())
                        .withKind(ukp.getKind())
                        .withName(owner)
                        .withUid(ukp.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withRuntimeClassName(
                        spec.getRuntimeClassName() != null ? spec.getRuntimeClassName() : settings.runtimeClassName())
                .withRestartPolicy(
                        spec.getRestartPolicy() != null
                                ? spec.getRestartPolicy().name()
                                : "Always")
                .withNodeSelector(spec.getNodeSelector())
                .withTolerations(spec.getTolerations())
                .withAffinity(spec.getAffinity())
                .withImagePullSecrets(sandboxPullSecrets.isEmpty() ? null : sandboxPullSecrets)
                // The sandbox talks to no Kubernetes API and needs no service discovery variables.
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withContainers(new ContainerBuilder()
                        .withName(PodNames.SANDBOX_CONTAINER)
                        .withImage(settings.sandboxImage())
                        .withImagePullPolicy(settings.sandboxImagePullPolicy())
                        .addNewEnv()
                        .withName(PodNames.BOOT_SPEC_ENV)
                        .withValue(json(boot))
                        .endEnv()
                        .addAllToEnv(env)
                        .withStartupProbe(probes.startup())
                        .withReadinessProbe(probes.readiness())
                        .withLivenessProbe(probes.liveness())
                        // The sandbox writes its outcome (JSON reason, exitCode, accel, message) here.
                        .withTerminationMessagePath("/dev/termination-log")
                        .withTerminationMessagePolicy("File")
                        .addNewVolumeDevice()
                        .withName(PodNames.ROOT_VOLUME)
                        .withDevicePath(PodNames.ROOT_DEVICE)
                        .endVolumeDevice()
                        .withVolumeMounts(mounts)
                        .withResources(SandboxResourcePlan.build(spec, boot.vcpus(), boot.memoryMiB(), settings))
                        .withNewSecurityContext()
                        .withPrivileged(false)
                        .withAllowPrivilegeEscalation(false)
                        .endSecurityContext()
                        .build())
                .withVolumes(volumes)
                .endSpec()
                .build();
        NetworkPodParts.apply(
                pod.getSpec().getContainers().get(0), pod.getMetadata().getAnnotations(), spec, network);
        return pod;
    }

    private static Volume rootVolume(
            UnikernelPod ukp,
            PinnedImage image,
            Map<String, String> labels,
            PodSettings settings,
            WriteMode writeMode) {
        UnikernelPodSpec spec = ukp.getSpec();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ClaimAnnotations.IMAGE, image.byDigest());
        annotations.put(PodNames.ANNOTATION_OWNER, ukp.getMetadata().getName());
        FsType fsType = spec.getRootfs() != null && spec.getRootfs().getFsType() != null
                ? spec.getRootfs().getFsType()
                : FsType.EXT4;
        annotations.put(ClaimAnnotations.FS_TYPE, fsType.id());
        boolean readOnly =
                spec.getRootfs() != null && Boolean.TRUE.equals(spec.getRootfs().getReadOnly());
        annotations.put(ClaimAnnotations.READ_ONLY, Boolean.toString(readOnly));
        // Always said, never left to the StorageClass: the claim's recorded mode is the one its volume gets.
        annotations.put(ClaimAnnotations.WRITE_MODE, writeMode.id());
        if (spec.getImagePullSecrets() != null && !spec.getImagePullSecrets().isEmpty()) {
            annotations.put(
                    ClaimAnnotations.PULL_SECRETS,
                    spec.getImagePullSecrets().stream()
                            .map(LocalObjectReference::getName)
                            .collect(Collectors.joining(",")));
        }
        String size = rootfsSize(spec, settings);
        return new VolumeBuilder()
                .withName(PodNames.ROOT_VOLUME)
                .withNewEphemeral()
                .withVolumeClaimTemplate(new PersistentVolumeClaimTemplateBuilder()
                        .withNewMetadata()
                        .withLabels(labels)
                        .withAnnotations(annotations)
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withVolumeMode("Block")
                        .withStorageClassName(settings.storageClassName())
                        .withNewResources()
                        .addToRequests("storage", new Quantity(size))
                        .endResources()
                        .endSpec()
                        .build())
                .endEphemeral()
                .build();
    }

    private static String rootfsSize(UnikernelPodSpec spec, PodSettings settings) {
        return spec.getRootfs() != null && spec.getRootfs().getSize() != null
                ? spec.getRootfs().getSize()
                : settings.defaultRootfsSize();
    }

    private static Volume fileVolume(int index, FileProjection file) {
        VolumeProjectionBuilder source = new VolumeProjectionBuilder();
        if (file.getConfigMap() != null) {
            source.withNewConfigMap()
                    .withName(file.getConfigMap().getName())
                    .addNewItem()
                    .withKey(file.getConfigMap().getKey())
                    .withPath(file.getConfigMap().getKey())
                    .endItem()
                    .endConfigMap();
        } else {
            source.withNewSecret()
                    .withName(file.getSecret().getName())
                    .addNewItem()
                    .withKey(file.getSecret().getKey())
                    .withPath(file.getSecret().getKey())
                    .endItem()
                    .endSecret();
        }
        return new VolumeBuilder()
                .withName(fileVolumeName(index))
                .withNewProjected()
                .withSources(source.build())
                .endProjected()
                .build();
    }

    static String fileVolumeName(int index) {
        return "files-" + index;
    }

    static String json(BootSpec boot) {
        return BOOT_SPEC_JSON.write(boot);
    }
}
