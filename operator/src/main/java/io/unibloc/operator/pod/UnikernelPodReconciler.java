package io.unibloc.operator.pod;

import static io.unibloc.api.v1alpha1.UnikernelPodStatus.IMAGE_PINNED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.READY;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.SANDBOX_STARTED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.SCHEDULED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.VOLUME_READY;
import static io.unibloc.operator.status.Conditions.FALSE;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.operator.config.OperatorConfig;
import io.unibloc.operator.metrics.ReconcileMetrics;
import io.unibloc.operator.pin.PinCache;
import io.unibloc.operator.pin.PinResult;
import io.unibloc.operator.pin.PullSecrets;
import io.unibloc.operator.status.Conditions;
import io.unibloc.operator.status.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one UnikernelPod to a running guest: validate the spec, pin the image (on the pin threads;
 * the reconcile only looks the outcome up and is woken when it arrives), create the Pod, replace it when
 * spec or digest change, and write what the Pod and its claim show into status. Registry failures
 * back off per image; invalid specs wait for a spec change. Nothing here waits on anything.
 */
@ControllerConfiguration(name = UnikernelPodReconciler.NAME)
public class UnikernelPodReconciler implements Reconciler<UnikernelPod> {
    public static final String NAME = "unikernelpod";
    static final List<String> CONDITION_ORDER = List.of(IMAGE_PINNED, VOLUME_READY, SCHEDULED, SANDBOX_STARTED, READY);
    private static final Logger LOG = LoggerFactory.getLogger(UnikernelPodReconciler.class);
    /** Wakes the resource if a pin notification were ever lost; pins normally wake it much sooner. */
    private static final Duration PIN_SAFETY_NET = Duration.ofMinutes(2);

    private final PinCache pins;
    private final PullSecrets pullSecrets;
    private final PodSettings settings;
    private final EventRecorder events;
    private final ReconcileMetrics metrics;
    private final Clock clock;
    private final Duration secretRetry;
    private final SimpleInboundEventSource<UnikernelPod> pinEvents = new SimpleInboundEventSource<>(NAME + "-pins");

    public UnikernelPodReconciler(PinCache pins, PullSecrets pullSecrets, PodSettings settings, EventRecorder events,
                                  ReconcileMetrics metrics, Clock clock, OperatorConfig config) {
        this.pins = pins;
        this.pullSecrets = pullSecrets;
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        // A missing pull secret is polled (Secrets are not watched): as often as a failing pin is retried first.
        this.secretRetry = config.pin().backoffInitial();
    }

    @Override
    public List<EventSource<?, UnikernelPod>> prepareEventSources(EventSourceContext<UnikernelPod> context) {
        String managed = PodNames.LABEL_MANAGED_BY + "=" + PodNames.MANAGED_BY;
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, UnikernelPod.class)
                .withName(NAME + "-pods").withLabelSelector(managed)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(UnikernelPod.class)).build(), context);
        // Claims are owned by their Pod, not by us; the template's annotation names the UnikernelPod.
        var claims = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(PersistentVolumeClaim.class, UnikernelPod.class)
                .withName(NAME + "-claims").withLabelSelector(managed)
                .withSecondaryToPrimaryMapper(claim -> {
                    String owner = claim.getMetadata().getAnnotations() == null ? null
                            : claim.getMetadata().getAnnotations().get(PodNames.ANNOTATION_OWNER);
                    return owner == null ? Set.of() : Set.of(new ResourceID(owner, claim.getMetadata().getNamespace()));
                }).build(), context);
        return List.of(pods, claims, pinEvents);
    }

    @Override
    public UpdateControl<UnikernelPod> reconcile(UnikernelPod ukp, Context<UnikernelPod> context) throws Exception {
        return metrics.time("UnikernelPod", () -> reconcileNow(ukp, context));
    }

    private UpdateControl<UnikernelPod> reconcileNow(UnikernelPod ukp, Context<UnikernelPod> context) {
        Instant now = clock.instant();
        UnikernelPodStatus old = ukp.getStatus() == null ? new UnikernelPodStatus() : ukp.getStatus();
        long generation = Optional.ofNullable(ukp.getMetadata().getGeneration()).orElse(0L);
        Conditions conditions = new Conditions(old.getConditions(), generation, now);
        StatusDraft draft = StatusDraft.of(old);
        Set<Pod> owned = context.getSecondaryResources(Pod.class);

        List<String> problems = SpecValidator.validate(ukp.getSpec());
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems);
            conditions.set(IMAGE_PINNED, FALSE, "InvalidSpec", message);
            conditions.set(READY, FALSE, "InvalidSpec", message);
            draft.phase = Phase.Failed;
            return finish(ukp, old, draft, conditions, null);
        }

        ImageStep image = new ImageStep(pins, pullSecrets, ukp, waiter(ukp));
        Optional<Instant> retryAt = image.resolve(draft, conditions, secretRetry, clock);
        Optional<Pod> current = Optional.empty();
        if (draft.pinnedImage != null) {
            String revision = Revision.of(ukp.getSpec(), draft.pinnedByDigest());
            current = owned.stream().filter(p -> revision.equals(revisionOf(p))).findFirst();
            boolean staleLeft = false;
            for (Pod stale : owned) {
                if (!revision.equals(revisionOf(stale))) {
                    staleLeft = true;
                    deleteStale(ukp, stale, context);
                }
            }
            if (current.isEmpty() && !staleLeft) {
                Optional<PinResult.Pinned> labelled = image.labelled(draft, conditions, secretRetry, clock);
                if (labelled.isPresent()) {
                    Pod pod = PodFactory.build(ukp, labelled.get().image(), revision, settings);
                    current = Optional.of(create(ukp, pod, context));
                } else {
                    retryAt = earliest(retryAt, image.retryAt());
                }
            }
        }

        if (current.isEmpty() && draft.pinnedImage == null) {
            // The spec names an image that is not pinned (yet): an earlier guest keeps running and is reported.
            current = owned.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst();
        }
        if (current.isPresent()) {
            Pod pod = current.get();
            if (!pod.getMetadata().getName().equals(draft.podName)) {
                draft.newPod(pod.getMetadata().getName());
            }
            String claimName = PodNames.claimName(pod.getMetadata().getName());
            PersistentVolumeClaim claim = context.getSecondaryResources(PersistentVolumeClaim.class).stream()
                    .filter(c -> claimName.equals(c.getMetadata().getName())).findFirst().orElse(null);
            draft.phase = PodStatusMapper.apply(pod, claim, conditions);
            draft.nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            draft.recordTimings(pod, conditions, now);
        } else {
            noPod(draft, conditions, !owned.isEmpty());
        }
        return finish(ukp, old, draft, conditions, retryAt.orElse(null));
    }

    /** No Pod to look at: the phase follows the image step, the other conditions say what they wait for. */
    private static void noPod(StatusDraft draft, Conditions conditions, boolean replacing) {
        boolean pinned = conditions.isTrue(IMAGE_PINNED);
        boolean permanent = conditions.get(IMAGE_PINNED).map(c -> "InvalidImage".equals(c.getReason())).orElse(false);
        String reason = replacing ? "ReplacingPod" : pinned ? "CreatingPod" : "WaitingForImage";
        String message = replacing ? "waiting for the Pod of the earlier spec to terminate"
                : pinned ? "creating the Pod" : "the Pod is created once the image is pinned";
        for (String type : List.of(VOLUME_READY, SCHEDULED, SANDBOX_STARTED)) {
            conditions.set(type, FALSE, reason, message);
        }
        conditions.set(READY, FALSE, permanent ? "InvalidImage" : reason,
                permanent ? conditions.get(IMAGE_PINNED).get().getMessage() : message);
        draft.phase = permanent ? Phase.Failed : pinned || replacing ? Phase.Preparing : Phase.Pending;
        draft.nodeName = null;
        draft.podName = null;
    }

    private UpdateControl<UnikernelPod> finish(UnikernelPod ukp, UnikernelPodStatus old, StatusDraft draft,
                                               Conditions conditions, Instant retryAt) {
        UnikernelPodStatus next = draft.toStatus(conditions.list(CONDITION_ORDER),
                Optional.ofNullable(ukp.getMetadata().getGeneration()).orElse(0L));
        TransitionEvents.emit(events, ukp, old.getPhase(), next.getPhase(), conditions.transitions());
        UpdateControl<UnikernelPod> control;
        if (StatusDraft.sameStatus(old, next)) {
            control = UpdateControl.noUpdate();
        } else {
            ukp.setStatus(next);
            control = UpdateControl.patchStatus(ukp);
        }
        if (retryAt != null) {
            Duration wait = Duration.between(clock.instant(), retryAt);
            control.rescheduleAfter(wait.isNegative() || wait.isZero() ? Duration.ofMillis(100) : wait);
        } else if (!conditions.isTrue(IMAGE_PINNED) && draft.phase != Phase.Failed) {
            control.rescheduleAfter(PIN_SAFETY_NET);
        }
        return control;
    }

    private Pod create(UnikernelPod ukp, Pod pod, Context<UnikernelPod> context) {
        String name = pod.getMetadata().getName();
        try {
            Pod created = context.resourceOperations().create(pod);
            metrics.podCreated();
            LOG.info("pod created unikernelpod={}/{} pod={} image={}", ukp.getMetadata().getNamespace(),
                    ukp.getMetadata().getName(), name, pod.getMetadata().getAnnotations().get(PodNames.ANNOTATION_IMAGE));
            events.record(ukp, EventRecorder.Type.Normal, "PodCreated", "created Pod " + name);
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // Our informer has not seen our own earlier create yet; the Pod is there.
                LOG.debug("pod exists already unikernelpod={}/{} pod={}", ukp.getMetadata().getNamespace(),
                        ukp.getMetadata().getName(), name);
                return pod;
            }
            throw e;
        }
    }

    private void deleteStale(UnikernelPod ukp, Pod stale, Context<UnikernelPod> context) {
        if (stale.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String name = stale.getMetadata().getName();
        context.getClient().pods().inNamespace(stale.getMetadata().getNamespace()).withName(name).delete();
        metrics.podReplaced();
        LOG.info("pod replaced unikernelpod={}/{} pod={}", ukp.getMetadata().getNamespace(), ukp.getMetadata().getName(),
                name);
        events.record(ukp, EventRecorder.Type.Normal, "PodReplaced", "deleting Pod " + name
                + ": the spec or the pinned image changed, a new Pod follows once it is gone");
    }

    private PinCache.Waiter waiter(UnikernelPod ukp) {
        ResourceID id = ResourceID.fromResource(ukp);
        return new PinCache.Waiter(NAME + "/" + id, () -> pinEvents.propagateEvent(id));
    }

    static String revisionOf(Pod pod) {
        return pod.getMetadata().getAnnotations() == null ? null
                : pod.getMetadata().getAnnotations().get(PodNames.ANNOTATION_REVISION);
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
    }
}
