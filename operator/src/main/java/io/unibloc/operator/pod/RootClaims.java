package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.unibloc.api.v1alpha1.UnikernelPod;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The root volume's claim, created by the operator before the Pod instead of by the ephemeral volume controller after
 * it. With a generic ephemeral volume the scheduler's first attempt found no claim ("waiting for ephemeral volume
 * controller to create the persistentvolumeclaim") and retried after a back-off, about 3 s per Pod on a real cluster
 * (issue 17); such a claim must be controlled by its Pod, so it cannot exist first. An ordinary claim can: it is made
 * from the same template (labels, unibloc annotations, spec), controlled by the UnikernelPod (deleted with it), and
 * named {@code <pod>-root-<random>}, so every Pod — also a replacement of the same name — gets a fresh volume, as an
 * ephemeral one did. The operator deletes a Pod's claim when it deletes the Pod, and a claim no Pod of its UnikernelPod
 * uses once it is older than {@link #ORPHAN_GRACE} (a crash between the two creates).
 */
final class RootClaims {
    /** A claim created this long ago and used by no Pod was left by an interrupted reconcile. */
    static final Duration ORPHAN_GRACE = Duration.ofMinutes(1);

    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int SUFFIX = 5;

    private RootClaims() {}

    /** A Pod built with an ephemeral root, split into the claim to create first and the Pod that names it. */
    record Split(PersistentVolumeClaim claim, Pod pod) {}

    /** Turns {@code pod}'s ephemeral root volume into a claim of its own, controlled by {@code ukp}. */
    static Split split(UnikernelPod ukp, Pod pod) {
        List<Volume> volumes = pod.getSpec().getVolumes();
        int index = rootIndex(volumes);
        PersistentVolumeClaimTemplate template =
                volumes.get(index).getEphemeral().getVolumeClaimTemplate();
        String name = newName(pod.getMetadata().getName());
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ukp.getMetadata().getNamespace())
                .withLabels(template.getMetadata().getLabels())
                .withAnnotations(template.getMetadata().getAnnotations())
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(ukp.getApiVersion())
                        .withKind(ukp.getKind())
                        .withName(ukp.getMetadata().getName())
                        .withUid(ukp.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        Pod named = new io.fabric8.kubernetes.api.model.PodBuilder(pod)
                .editSpec()
                .withVolumes(volumes)
                .endSpec()
                .build();
        named.getSpec()
                .getVolumes()
                .set(
                        index,
                        new VolumeBuilder()
                                .withName(PodNames.ROOT_VOLUME)
                                .withNewPersistentVolumeClaim()
                                .withClaimName(name)
                                .endPersistentVolumeClaim()
                                .build());
        return new Split(claim, named);
    }

    /** The claim of {@code pod}'s root volume: the one it names, or {@code <pod>-root} for an ephemeral volume. */
    static String claimOf(Pod pod) {
        List<Volume> volumes = pod.getSpec() == null ? List.of() : pod.getSpec().getVolumes();
        return volumes.stream()
                .filter(v -> PodNames.ROOT_VOLUME.equals(v.getName()) && v.getPersistentVolumeClaim() != null)
                .map(v -> v.getPersistentVolumeClaim().getClaimName())
                .findFirst()
                .orElse(PodNames.claimName(pod.getMetadata().getName()));
    }

    /** Whether the operator made {@code pod}'s claim (and so deletes it with the Pod). */
    static Optional<String> ownClaimOf(Pod pod) {
        List<Volume> volumes = pod.getSpec() == null ? List.of() : pod.getSpec().getVolumes();
        return volumes.stream()
                .filter(v -> PodNames.ROOT_VOLUME.equals(v.getName()) && v.getPersistentVolumeClaim() != null)
                .map(v -> v.getPersistentVolumeClaim().getClaimName())
                .findFirst();
    }

    /** Claims of the UnikernelPod that no Pod of it uses and that are older than the grace: left by a crash. */
    static List<PersistentVolumeClaim> orphans(
            Collection<PersistentVolumeClaim> claims, Collection<Pod> pods, UnikernelPod ukp, Instant now) {
        Set<String> used = pods.stream().map(RootClaims::claimOf).collect(Collectors.toSet());
        return claims.stream()
                .filter(c -> c.getMetadata().getDeletionTimestamp() == null)
                .filter(c -> c.getMetadata().getOwnerReferences() != null
                        && c.getMetadata().getOwnerReferences().stream()
                                .anyMatch(o -> ukp.getMetadata().getUid().equals(o.getUid())))
                .filter(c -> !used.contains(c.getMetadata().getName()))
                .filter(c -> c.getMetadata().getCreationTimestamp() != null
                        && Instant.parse(c.getMetadata().getCreationTimestamp())
                                .plus(ORPHAN_GRACE)
                                .isBefore(now))
                .toList();
    }

    static String newName(String podName) {
        StringBuilder suffix = new StringBuilder("-" + PodNames.ROOT_VOLUME + "-");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < SUFFIX; i++) {
            suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        String base = podName.length() + suffix.length() > 253 ? podName.substring(0, 253 - suffix.length()) : podName;
        // Shortening may leave a '-' or '.' that must not touch the suffix's '-'.
        while (base.endsWith("-") || base.endsWith(".")) {
            base = base.substring(0, base.length() - 1);
        }
        return (base + suffix).toLowerCase(Locale.ROOT);
    }

    private static int rootIndex(List<Volume> volumes) {
        for (int i = 0; i < volumes.size(); i++) {
            if (PodNames.ROOT_VOLUME.equals(volumes.get(i).getName())
                    && volumes.get(i).getEphemeral() != null) {
                return i;
            }
        }
        throw new IllegalStateException("the Pod has no ephemeral volume named " + PodNames.ROOT_VOLUME);
    }
}
