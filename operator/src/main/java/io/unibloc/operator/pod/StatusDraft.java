package io.unibloc.operator.pod;

import static io.unibloc.api.v1alpha1.UnikernelPodStatus.READY;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.VOLUME_READY;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.NetworkStatus;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.api.v1alpha1.pod.Timings;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.WriteMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The status being assembled in one reconcile, starting from the last one written. */
final class StatusDraft {
    Phase phase;
    String pinnedImage;
    String imageDigest;
    Long pinMillis;
    Long volumeMillis;
    Long bootMillis;
    String nodeName;
    String podName;
    String accelerator;
    Integer restarts;
    NetworkStatus network;
    WriteMode writeMode;

    static StatusDraft of(UnikernelPodStatus old) {
        StatusDraft d = new StatusDraft();
        d.phase = old.getPhase();
        d.pinnedImage = old.getPinnedImage();
        d.imageDigest = old.getImageDigest();
        d.nodeName = old.getNodeName();
        d.podName = old.getPodName();
        d.accelerator = old.getAccelerator();
        d.restarts = old.getRestarts();
        d.network = old.getNetwork();
        d.writeMode = old.getWriteMode();
        if (old.getTimings() != null) {
            d.pinMillis = old.getTimings().getPinMillis();
            d.volumeMillis = old.getTimings().getVolumeMillis();
            d.bootMillis = old.getTimings().getBootMillis();
        }
        return d;
    }

    void pinned(ImageReference reference, long millis) {
        String text = reference.toString();
        if (!text.equals(pinnedImage)) {
            pinMillis = millis;
        }
        pinnedImage = text;
        imageDigest = reference.digest().toString();
    }

    void unpinned() {
        pinnedImage = null;
        imageDigest = null;
        pinMillis = null;
    }

    /** {@code registry/repository@sha256:...} of the pinned image. */
    String pinnedByDigest() {
        ImageReference ref = ImageReference.parse(pinnedImage);
        return ref.registry() + "/" + ref.repository() + "@" + ref.digest();
    }

    /** A different Pod now runs the guest: its volume and boot times start over. */
    void newPod(String name) {
        podName = name;
        restarts = null;
        accelerator = null;
        volumeMillis = null;
        bootMillis = null;
    }

    /**
     * Volume time: the Pod's creation until the claim was bound; boot time: bound until ready. Measured
     * when the operator sees the transition, or from the conditions' times after an operator restart.
     */
    void recordTimings(Pod pod, Conditions conditions, Instant now) {
        String created = pod.getMetadata().getCreationTimestamp();
        if (volumeMillis == null && created != null && conditions.isTrue(VOLUME_READY)) {
            Instant bound = justBecameTrue(conditions, VOLUME_READY)
                    ? now
                    : conditions.since(VOLUME_READY).orElse(now);
            volumeMillis =
                    Math.max(0, Duration.between(Instant.parse(created), bound).toMillis());
        }
        if (bootMillis == null && conditions.isTrue(READY) && conditions.isTrue(VOLUME_READY)) {
            Instant ready = justBecameTrue(conditions, READY)
                    ? now
                    : conditions.since(READY).orElse(now);
            Instant bound = conditions.since(VOLUME_READY).orElse(ready);
            bootMillis = Math.max(0, Duration.between(bound, ready).toMillis());
        }
    }

    private static boolean justBecameTrue(Conditions conditions, String type) {
        return conditions.transitions().stream()
                .anyMatch(t -> type.equals(t.condition().getType())
                        && Conditions.TRUE.equals(t.condition().getStatus())
                        && !Conditions.TRUE.equals(t.previousStatus()));
    }

    UnikernelPodStatus toStatus(List<Condition> conditions, long generation) {
        UnikernelPodStatus s = new UnikernelPodStatus();
        s.setPhase(phase);
        // kubectl get pod's READY for the one guest: ready guests / guests.
        s.setReady(
                conditions.stream().anyMatch(c -> READY.equals(c.getType()) && Conditions.TRUE.equals(c.getStatus()))
                        ? "1/1"
                        : "0/1");
        s.setRestarts(restarts);
        s.setConditions(conditions);
        s.setPinnedImage(pinnedImage);
        s.setImageDigest(imageDigest);
        s.setShortDigest(
                imageDigest == null
                        ? null
                        : imageDigest.substring(imageDigest.indexOf(':') + 1, imageDigest.indexOf(':') + 13));
        s.setNodeName(nodeName);
        s.setPodName(podName);
        s.setAccelerator(accelerator);
        s.setNetwork(network);
        s.setWriteMode(writeMode);
        if (pinMillis != null || volumeMillis != null || bootMillis != null) {
            Timings t = new Timings();
            t.setPinMillis(pinMillis);
            t.setVolumeMillis(volumeMillis);
            t.setBootMillis(bootMillis);
            s.setTimings(t);
        }
        s.setObservedGeneration(generation);
        return s;
    }

    static boolean sameStatus(UnikernelPodStatus a, UnikernelPodStatus b) {
        return Objects.equals(Serialization.asJson(a), Serialization.asJson(b));
    }
}
