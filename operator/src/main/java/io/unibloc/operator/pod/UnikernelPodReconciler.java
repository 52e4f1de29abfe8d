package io.unibloc.operator.pod;

import static io.unibloc.api.status.Conditions.FALSE;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.BOOTED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.IMAGE_PINNED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.NETWORK;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.READY;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.SANDBOX_STARTED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.SCHEDULED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.VOLUME_READY;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.status.StatusPatch;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.api.v1alpha1.pod.RestartPolicy;
import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.operator.config.OperatorConfig;
import io.unibloc.operator.metrics.ReconcileMetrics;
import io.unibloc.operator.network.NetworkPlan;
import io.unibloc.operator.network.NetworkPodParts;
import io.unibloc.operator.network.PodSecurityRefusal;
import io.unibloc.operator.pin.PinCache;
import io.unibloc.operator.pin.PinResult;
import io.unibloc.operator.pin.PullSecrets;
import io.unibloc.operator.runtimeclass.AdmittedScheduling;
import io.unibloc.operator.runtimeclass.RuntimeClasses;
import io.unibloc.operator.status.EventRecorder;
import io.unibloc.operator.status.StatusWrites;
import io.unibloc.registry.pin.PinnedImage;
import io.unibloc.types.WriteMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one UnikernelPod to a running guest: validate the spec, pin the image (on the pin threads;
 * the reconcile only looks the outcome up and is woken when it arrives), create the Pod, replace it when
 * spec or digest change, and write what the Pod and its claim show into status. Registry failures
 * back off per image; invalid specs wait for a spec change. A Pod the API server refuses (a missing
 * RuntimeClass) and a reconcile that throws are retried with capped exponential back-off, forever, and the reason
 * is a condition and an Event. A Pod that ended although the restart policy wants it running (evicted, stopped
 * by a node shutdown) is replaced. Status is written with a JSON merge patch ({@link StatusWrites}). Nothing here
 * waits on anything.
 */
@ControllerConfiguration(name = UnikernelPodReconciler.NAME)
@GradualRetry(maxAttempts = -1, initialInterval = 2_000, intervalMultiplier = 2, maxInterval = 300_000)
public class UnikernelPodReconciler implements Reconciler<UnikernelPod> {
    public static final String NAME = "unikernelpod";
    static final List<String> CONDITION_ORDER =
            List.of(IMAGE_PINNED, VOLUME_READY, SCHEDULED, SANDBOX_STARTED, NETWORK, BOOTED, READY);
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
    private final ClusterReads cluster;
    private final StatusPacer pacer;
    private final RuntimeClasses runtimeClasses;
    private final SimpleInboundEventSource<UnikernelPod> pinEvents = new SimpleInboundEventSource<>(NAME + "-pins");
    /** Wakes the owners of unschedulable Pods when their RuntimeClass changes (a chart upgrade). */
    private final SimpleInboundEventSource<UnikernelPod> runtimeClassEvents =
            new SimpleInboundEventSource<>(NAME + "-runtimeclass-changes");

    public UnikernelPodReconciler(
            PinCache pins,
            PullSecrets pullSecrets,
            PodSettings settings,
            EventRecorder events,
            ReconcileMetrics metrics,
            Clock clock,
            OperatorConfig config,
            RuntimeClasses runtimeClasses) {
        this.pins = pins;
        this.pullSecrets = pullSecrets;
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        // A missing pull secret is polled (Secrets are not watched): as often as a failing pin is retried first.
        this.secretRetry = config.pin().backoffInitial();
        this.cluster = new ClusterReads(settings.storageClassName());
        this.pacer = new StatusPacer(clock, config.statusPacing());
        this.runtimeClasses = runtimeClasses;
    }

    @Override
    public List<EventSource<?, UnikernelPod>> prepareEventSources(EventSourceContext<UnikernelPod> context) {
        String managed = PodNames.LABEL_MANAGED_BY + "=" + PodNames.MANAGED_BY;
        var pods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, UnikernelPod.class)
                        .withName(NAME + "-pods")
                        .withLabelSelector(managed)
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(UnikernelPod.class))
                        .build(),
                context);
        // Root claims are created by this operator before their Pod; the annotation names the UnikernelPod.
        var claims = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(PersistentVolumeClaim.class, UnikernelPod.class)
                        .withName(NAME + "-claims")
                        .withLabelSelector(managed)
                        .withSecondaryToPrimaryMapper(claim -> {
                            String owner = claim.getMetadata().getAnnotations() == null
                                    ? null
                                    : claim.getMetadata().getAnnotations().get(PodNames.ANNOTATION_OWNER);
                            return owner == null
                                    ? Set.of()
                                    : Set.of(new ResourceID(
                                            owner, claim.getMetadata().getNamespace()));
                        })
                        // Only this operator creates and deletes root claims, so their add and delete events would
                        // only echo its own writes: a refused Pod's claim, created then deleted, woke the
                        // reconciler at once and turned @GradualRetry's back-off into a loop of ~100 creates a
                        // second. What a claim's owner needs to hear about is its binding (an update).
                        .withOnAddFilter(claim -> false)
                        .withOnDeleteFilter((claim, finalStateUnknown) -> false)
                        .build(),
                context);
        runtimeClasses.onChange(name -> (pods.isRunning()
                        ? pods.list(p -> p.getSpec() != null
                                && name.equals(p.getSpec().getRuntimeClassName())
                                && AdmittedScheduling.unschedulableNow(p))
                        : java.util.stream.Stream.<Pod>empty())
                .flatMap(p -> Mappers.fromOwnerReferences(UnikernelPod.class).toPrimaryResourceIDs(p).stream())
                .forEach(runtimeClassEvents::propagateEvent));
        List<EventSource<?, UnikernelPod>> sources =
                new ArrayList<>(List.of(pods, claims, pinEvents, runtimeClassEvents));
        sources.addAll(cluster.eventSources(NAME, context));
        return sources;
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
        for (PersistentVolumeClaim orphan :
                RootClaims.orphans(context.getSecondaryResources(PersistentVolumeClaim.class), owned, ukp, now)) {
            deleteClaim(ukp, orphan.getMetadata().getName(), "used by no Pod", context);
        }

        List<String> problems = new ArrayList<>(SpecValidator.validate(ukp.getSpec(), settings));
        if (problems.isEmpty()) {
            String runtimeClass = runtimeClassOf(ukp);
            RootWriteMode.uruncProblem(ukp.getSpec(), runtimeClass)
                    .filter(problem -> RootWriteMode.underUrunc(runtimeClass, runtimeClasses.lookup(runtimeClass)))
                    .ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems);
            conditions.set(IMAGE_PINNED, FALSE, "InvalidSpec", message);
            conditions.set(READY, FALSE, "InvalidSpec", message);
            draft.phase = Phase.Failed;
            return finish(ukp, context, old, draft, conditions, null);
        }

        ImageStep image = new ImageStep(pins, pullSecrets, ukp, waiter(ukp));
        Optional<Instant> retryAt = image.resolve(draft, conditions, secretRetry, clock);
        Optional<Pod> current = Optional.empty();
        PodRefused refused = null;
        if (draft.pinnedImage != null) {
            String revision = Revision.of(ukp.getSpec(), draft.pinnedByDigest());
            RestartPolicy policy = ukp.getSpec().getRestartPolicy() == null
                    ? RestartPolicy.Always
                    : ukp.getSpec().getRestartPolicy();
            current = owned.stream()
                    .filter(p -> revision.equals(revisionOf(p))
                            && !FailedPods.mustReplace(p, policy)
                            && staleScheduling(ukp, p).isEmpty())
                    .findFirst();
            boolean staleLeft = false;
            for (Pod stale : owned) {
                Optional<String> unschedulable;
                if (!revision.equals(revisionOf(stale))) {
                    staleLeft = true;
                    replacePod(
                            ukp,
                            stale,
                            "PodReplaced",
                            "the spec or the pinned image changed, a new Pod follows once it is gone",
                            context);
                } else if (FailedPods.mustReplace(stale, policy)) {
                    staleLeft = true;
                    deleteEnded(ukp, stale, policy, context);
                } else if ((unschedulable = staleScheduling(ukp, stale)).isPresent()) {
                    staleLeft = true;
                    replacePod(
                            ukp,
                            stale,
                            "RuntimeClassChanged",
                            unschedulable.get() + "; a new Pod admitted under the current RuntimeClass follows",
                            context);
                }
            }
            if (current.isEmpty() && !staleLeft) {
                Optional<PinResult.Pinned> labelled = image.labelled(draft, conditions, secretRetry, clock);
                if (labelled.isPresent()) {
                    try {
                        current = Optional.of(createPod(
                                ukp, labelled.get().image(), revision, keptMode(draft, owned, context), context));
                    } catch (PodRefused e) {
                        refused = e;
                    }
                } else {
                    retryAt = earliest(retryAt, image.retryAt());
                }
            }
        }

        if (current.isEmpty() && draft.pinnedImage == null) {
            // The spec names an image that is not pinned (yet): an earlier guest keeps running and is reported.
            current = owned.stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .findFirst();
        }
        if (current.isPresent()) {
            Pod pod = current.get();
            if (!pod.getMetadata().getName().equals(draft.podName)) {
                draft.newPod(pod.getMetadata().getName());
            }
            String claimName = RootClaims.claimOf(pod);
            PersistentVolumeClaim claim = context.getSecondaryResources(PersistentVolumeClaim.class).stream()
                    .filter(c -> claimName.equals(c.getMetadata().getName()))
                    .findFirst()
                    .orElse(null);
            draft.phase = PodStatusMapper.apply(
                    pod,
                    claim,
                    conditions,
                    message -> KvmHints.noUsableKvm(
                            cluster.kvmUnusableReasons(KvmHints.MAX_NODES_NAMED),
                            settings.allowSoftwareEmulation(),
                            pod.getSpec() == null ? null : pod.getSpec().getNodeSelector(),
                            message));
            if (waitsForProvisioning(claim) && cluster.storageClassMissing()) {
                // No retry: the StorageClass informer wakes this resource when the class appears.
                conditions.set(
                        VOLUME_READY,
                        FALSE,
                        "StorageClassMissing",
                        "StorageClass " + settings.storageClassName()
                                + " does not exist, so the root volume cannot be provisioned; install the chart's StorageClass"
                                + " or set unibloc.operator.storage-class-name");
            }
            draft.nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            draft.restarts = PodStatusMapper.restarts(pod);
            draft.network = NetworkStatusMapper.apply(pod, conditions);
            draft.writeMode = RootWriteMode.of(pod, claim);
            accelerator(draft, pod, conditions);
            draft.recordTimings(pod, conditions, now);
        } else if (refused != null) {
            refusedPod(draft, conditions, refused);
            finish(ukp, context, old, draft, conditions, retryAt.orElse(null));
            // The status says why; JOSDK's retry (@GradualRetry) tries again with back-off, and a RuntimeClass that
            // appears wakes this resource at once (ClusterReads).
            throw refused;
        } else {
            noPod(draft, conditions, !owned.isEmpty());
        }
        return finish(ukp, context, old, draft, conditions, retryAt.orElse(null));
    }

    /** No Pod to look at: the phase follows the image step, the other conditions say what they wait for. */
    private static void noPod(StatusDraft draft, Conditions conditions, boolean replacing) {
        boolean pinned = conditions.isTrue(IMAGE_PINNED);
        boolean permanent = conditions
                .get(IMAGE_PINNED)
                .map(c -> "InvalidImage".equals(c.getReason()))
                .orElse(false);
        String reason = replacing ? "ReplacingPod" : pinned ? "CreatingPod" : "WaitingForImage";
        String message = replacing
                ? "waiting for the Pod of the earlier spec to terminate"
                : pinned ? "creating the Pod" : "the Pod is created once the image is pinned";
        for (String type : List.of(VOLUME_READY, SCHEDULED, SANDBOX_STARTED, NETWORK, BOOTED)) {
            conditions.set(type, FALSE, reason, message);
        }
        conditions.set(
                READY,
                FALSE,
                permanent ? "InvalidImage" : reason,
                permanent ? conditions.get(IMAGE_PINNED).get().getMessage() : message);
        draft.phase = permanent ? Phase.Failed : pinned || replacing ? Phase.Preparing : Phase.Pending;
        draft.nodeName = null;
        draft.podName = null;
        draft.accelerator = null;
        draft.restarts = null;
        draft.network = null;
        // writeMode stays: it is the mode the next Pod keeps (RootWriteMode), not only the current Pod's.
    }

    private static boolean waitsForProvisioning(PersistentVolumeClaim claim) {
        return claim == null
                || claim.getStatus() == null
                || claim.getStatus().getPhase() == null
                || "Pending".equals(claim.getStatus().getPhase());
    }

    /** The API server refused the Pod: nothing runs; Scheduled and Ready say why until a retry succeeds. */
    private static void refusedPod(StatusDraft draft, Conditions conditions, PodRefused refused) {
        for (String type : List.of(VOLUME_READY, SANDBOX_STARTED, NETWORK, BOOTED)) {
            conditions.set(type, FALSE, "PodNotCreated", "no Pod: " + refused.getMessage());
        }
        conditions.set(SCHEDULED, FALSE, refused.reason, refused.getMessage());
        conditions.set(READY, FALSE, refused.reason, refused.getMessage());
        draft.phase = Phase.Pending;
        draft.nodeName = null;
        draft.podName = null;
        draft.accelerator = null;
        draft.network = null;
        // writeMode stays: it is the mode the next Pod keeps (RootWriteMode), not only the current Pod's.
    }

    /**
     * What the guest runs under: the sandbox's own report once it ended; before that the node's
     * {@code unibloc.io/accel} label, read once when the guest has booted (the sandbox records a KVM verdict, which
     * flips the label, before it retries under TCG).
     */
    private void accelerator(StatusDraft draft, Pod pod, Conditions conditions) {
        Optional<String> reported =
                PodStatusMapper.outcome(pod).map(SandboxOutcome::accel).filter(a -> !a.isBlank());
        if (reported.isPresent()) {
            draft.accelerator = reported.get();
            return;
        }
        if (draft.accelerator == null && conditions.isTrue(BOOTED) && draft.nodeName != null) {
            draft.accelerator = cluster.nodeAccelerator(draft.nodeName).orElse(null);
        }
    }

    /**
     * A reconcile threw (the API server refused a write or could not be reached): Ready says so and an Event is
     * recorded once per transition; JOSDK retries with capped exponential back-off and never gives up.
     */
    @Override
    public ErrorStatusUpdateControl<UnikernelPod> updateErrorStatus(
            UnikernelPod ukp, Context<UnikernelPod> context, Exception e) {
        if (refusal(e)) {
            // The reconcile wrote the refusal into status before it threw to be retried.
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        UnikernelPodStatus current = ukp.getStatus();
        long generation = Optional.ofNullable(ukp.getMetadata().getGeneration()).orElse(0L);
        Conditions conditions =
                new Conditions(current == null ? List.of() : current.getConditions(), generation, clock.instant());
        String message = "reconcile failed, retrying with back-off: " + e.getMessage();
        conditions.set(READY, FALSE, "ReconcileFailed", message);
        if (!conditions.transitions().isEmpty()) {
            events.record(ukp, EventRecorder.Type.Warning, "ReconcileFailed", message);
        }
        UnikernelPodStatus next = current == null ? new UnikernelPodStatus() : StatusPatch.copy(current);
        next.setConditions(conditions.list(CONDITION_ORDER));
        try {
            StatusPatch.apply(context.getClient(), ukp, current, next);
        } catch (KubernetesClientException writeFailed) {
            LOG.warn(
                    "cannot record reconcile failure unikernelpod={}/{} message={}",
                    ukp.getMetadata().getNamespace(),
                    ukp.getMetadata().getName(),
                    writeFailed.getMessage());
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /** Whether {@code e} is, or wraps (JOSDK may hand it over inside an OperatorException), a refused Pod. */
    private static boolean refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PodRefused) {
                return true;
            }
        }
        return false;
    }

    private UpdateControl<UnikernelPod> finish(
            UnikernelPod ukp,
            Context<UnikernelPod> context,
            UnikernelPodStatus old,
            StatusDraft draft,
            Conditions conditions,
            Instant retryAt) {
        UnikernelPodStatus next = draft.toStatus(
                conditions.list(CONDITION_ORDER),
                Optional.ofNullable(ukp.getMetadata().getGeneration()).orElse(0L));
        UpdateControl<UnikernelPod> control = UpdateControl.noUpdate();
        if (!StatusDraft.sameStatus(old, next)) {
            ResourceID id = ResourceID.fromResource(ukp);
            String created = ukp.getMetadata().getCreationTimestamp();
            Optional<Duration> paced = pacer.delay(id, created == null ? null : Instant.parse(created), old, next);
            if (paced.isPresent()) {
                // Progress within a phase: written with whatever else changes by then (StatusPacer).
                return control.rescheduleAfter(paced.get());
            }
            TransitionEvents.emit(events, ukp, old.getPhase(), next.getPhase(), conditions.transitions());
            UnikernelPod written = StatusWrites.patch(context, ukp, ukp.getStatus(), next);
            pacer.written(id);
            if (StatusWrites.specChangedMeanwhile(ukp, written)) {
                return control.rescheduleAfter(Duration.ofMillis(10));
            }
        }
        if (retryAt != null) {
            Duration wait = Duration.between(clock.instant(), retryAt);
            control.rescheduleAfter(wait.isNegative() || wait.isZero() ? Duration.ofMillis(100) : wait);
        } else if (!conditions.isTrue(IMAGE_PINNED) && draft.phase != Phase.Failed) {
            control.rescheduleAfter(PIN_SAFETY_NET);
        }
        return control;
    }

    /**
     * Creates the Pod with the spec's network mode. Under {@code auto} the first Pod uses tap; when Pod Security
     * admission refuses it for NET_ADMIN, a passt Pod follows at once and its annotation says why (condition
     * Network reason NetworkModeFallback, and a Normal Event). An explicit tap refused that way is {@code NetworkModeForbidden}.
     */
    private Pod createPod(
            UnikernelPod ukp, PinnedImage image, String revision, WriteMode kept, Context<UnikernelPod> context) {
        NetworkPlan plan = NetworkPlan.initial(ukp.getSpec(), settings.defaultNetworkMode(), image.labels());
        String runtimeClass = runtimeClassOf(ukp);
        boolean urunc;
        try {
            urunc = RootWriteMode.underUrunc(runtimeClass, runtimeClasses.lookup(runtimeClass));
        } catch (RootWriteMode.Unreadable e) {
            // Status says why and JOSDK retries with back-off, as for a refused Pod; nothing was created.
            throw new PodRefused("RuntimeClassUnreadable", e.getMessage(), null);
        }
        try {
            return create(ukp, PodFactory.build(ukp, image, revision, settings, plan, urunc, kept), context);
        } catch (PodRefused e) {
            Optional<PodSecurityRefusal> policy =
                    PodSecurityRefusal.from(e.status).filter(r -> r.refusesCapability(NetworkPodParts.NET_ADMIN));
            if (policy.isEmpty()) {
                throw e;
            }
            if (!plan.mayFallBack()) {
                throw new PodRefused(
                        "NetworkModeForbidden",
                        e.getMessage() + "; " + policy.get().tapForbiddenHint(),
                        e.status);
            }
            NetworkPlan passt =
                    plan.fallBack(policy.get().fallbackMessage(ukp.getMetadata().getNamespace()));
            LOG.info(
                    "network mode fallback unikernelpod={}/{} from=tap to=passt policy={}",
                    ukp.getMetadata().getNamespace(),
                    ukp.getMetadata().getName(),
                    policy.get().policy());
            Pod created = create(ukp, PodFactory.build(ukp, image, revision, settings, passt, urunc, kept), context);
            // Progress is no Event, but a mode the user did not name is worth one (and only happens here).
            events.record(ukp, EventRecorder.Type.Normal, NetworkStatusMapper.FALLBACK, passt.fallback());
            return created;
        }
    }

    /**
     * The write mode the UnikernelPod's next Pod keeps when the spec leaves it unset ({@link RootWriteMode#resolve}):
     * the one in status, else that of a Pod it still has (a Pod of an operator that wrote no status for it); {@code
     * null} for a UnikernelPod that never had a Pod.
     */
    private static WriteMode keptMode(StatusDraft draft, Set<Pod> owned, Context<UnikernelPod> context) {
        if (draft.writeMode != null) {
            return draft.writeMode;
        }
        Set<PersistentVolumeClaim> claims = context.getSecondaryResources(PersistentVolumeClaim.class);
        return owned.stream()
                .map(pod -> RootWriteMode.of(
                        pod,
                        claims.stream()
                                .filter(c -> RootClaims.claimOf(pod)
                                        .equals(c.getMetadata().getName()))
                                .findFirst()
                                .orElse(null)))
                .findFirst()
                .orElse(null);
    }

    /** The RuntimeClass the UnikernelPod's Pod is made with (as {@link PodFactory} writes it). */
    private String runtimeClassOf(UnikernelPod ukp) {
        String named = ukp.getSpec().getRuntimeClassName();
        return named != null ? named : settings.runtimeClassName();
    }

    /** Creates the root claim, then the Pod that names it (so the scheduler's first attempt finds the claim). */
    private Pod create(UnikernelPod ukp, Pod built, Context<UnikernelPod> context) {
        RootClaims.Split split = RootClaims.split(ukp, built);
        Pod pod = split.pod();
        String name = pod.getMetadata().getName();
        String claim = split.claim().getMetadata().getName();
        context.resourceOperations().create(split.claim());
        try {
            Pod created = context.resourceOperations().create(pod);
            metrics.podCreated();
            LOG.info(
                    "pod created unikernelpod={}/{} pod={} image={}",
                    ukp.getMetadata().getNamespace(),
                    ukp.getMetadata().getName(),
                    name,
                    pod.getMetadata().getAnnotations().get(ClaimAnnotations.IMAGE));
            // No Event: the normal path is in status (podName, conditions); an Event here was one of ~6 requests per
            // UnikernelPod (issue 17). Replacing a Pod and problems do get one.
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // Our informer has not seen our own earlier create yet; the Pod is there, with its own claim.
                deleteClaim(ukp, claim, "its Pod existed already", context);
                LOG.debug(
                        "pod exists already unikernelpod={}/{} pod={}",
                        ukp.getMetadata().getNamespace(),
                        ukp.getMetadata().getName(),
                        name);
                return pod;
            }
            if (e.getCode() == 403 || e.getCode() == 422) {
                String said = e.getStatus() != null && e.getStatus().getMessage() != null
                        ? e.getStatus().getMessage()
                        : e.getMessage();
                String reason = RefusalReason.of(e, pod.getSpec().getRuntimeClassName(), runtimeClasses);
                LOG.warn(
                        "pod refused unikernelpod={}/{} pod={} code={} reason={} message={}",
                        ukp.getMetadata().getNamespace(),
                        ukp.getMetadata().getName(),
                        name,
                        e.getCode(),
                        reason,
                        said);
                deleteClaim(ukp, claim, "its Pod was refused", context);
                throw new PodRefused(reason, "the API server refused Pod " + name + ": " + said, e.getStatus());
            }
            deleteClaim(ukp, claim, "its Pod was not created", context);
            throw e;
        }
    }

    /** The API server refused to create the Pod (admission, validation); thrown once status says so, for JOSDK to retry. */
    private static final class PodRefused extends RuntimeException {
        private final String reason;
        /** The API server's answer, for a closer look (Pod Security admission); may be {@code null}. */
        private final transient Status status;

        PodRefused(String reason, String message, Status status) {
            super(message, null, false, false);
            this.reason = reason;
            this.status = status;
        }
    }

    /** A Pod of the current revision that ended although the restart policy wants it running: delete, then replace. */
    private void deleteEnded(UnikernelPod ukp, Pod ended, RestartPolicy policy, Context<UnikernelPod> context) {
        if (ended.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String name = ended.getMetadata().getName();
        context.getClient()
                .pods()
                .inNamespace(ended.getMetadata().getNamespace())
                .withName(name)
                .delete();
        RootClaims.ownClaimOf(ended).ifPresent(c -> deleteClaim(ukp, c, "its Pod ended", context));
        metrics.podReplaced();
        String why = FailedPods.describe(ended);
        LOG.info(
                "ended pod replaced unikernelpod={}/{} pod={} why={}",
                ukp.getMetadata().getNamespace(),
                ukp.getMetadata().getName(),
                name,
                why);
        events.record(
                ukp,
                EventRecorder.Type.Warning,
                "PodEnded",
                "Pod " + name + " " + why + "; restartPolicy " + policy
                        + ": deleting it, a new Pod follows once it is gone");
    }

    /** Why a Pod admitted under an older RuntimeClass can never be scheduled, if it is such a Pod. */
    private Optional<String> staleScheduling(UnikernelPod ukp, Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getRuntimeClassName() == null) {
            return Optional.empty();
        }
        return AdmittedScheduling.stale(
                pod,
                ukp.getSpec().getNodeSelector(),
                AdmittedScheduling.unschedulableNow(pod)
                        ? runtimeClasses.lookup(pod.getSpec().getRuntimeClassName())
                        : new RuntimeClasses.Lookup.Unknown("schedulable"));
    }

    /**
     * Deletes a Pod (and the root claim made for it) so that a new one follows, saying why in a Normal Event; a Pod
     * already being deleted is left alone. The one way a Pod is replaced, whatever made it stale.
     */
    private void replacePod(UnikernelPod ukp, Pod old, String eventReason, String why, Context<UnikernelPod> context) {
        if (old.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String name = old.getMetadata().getName();
        context.getClient()
                .pods()
                .inNamespace(old.getMetadata().getNamespace())
                .withName(name)
                .delete();
        RootClaims.ownClaimOf(old).ifPresent(c -> deleteClaim(ukp, c, "its Pod is replaced", context));
        metrics.podReplaced();
        LOG.info(
                "pod replaced unikernelpod={}/{} pod={} reason={} why=\"{}\"",
                ukp.getMetadata().getNamespace(),
                ukp.getMetadata().getName(),
                name,
                eventReason,
                why);
        events.record(ukp, EventRecorder.Type.Normal, eventReason, "deleting Pod " + name + ": " + why);
    }

    /** Deletes a root claim the operator made (the API server defers it while a Pod still uses it); gone is fine. */
    private static void deleteClaim(UnikernelPod ukp, String claim, String why, Context<UnikernelPod> context) {
        context.getClient()
                .persistentVolumeClaims()
                .inNamespace(ukp.getMetadata().getNamespace())
                .withName(claim)
                .delete();
        LOG.info(
                "claim deleted unikernelpod={}/{} claim={} why={}",
                ukp.getMetadata().getNamespace(),
                ukp.getMetadata().getName(),
                claim,
                why);
    }

    private PinCache.Waiter waiter(UnikernelPod ukp) {
        ResourceID id = ResourceID.fromResource(ukp);
        return new PinCache.Waiter(NAME + "/" + id, () -> pinEvents.propagateEvent(id));
    }

    static String revisionOf(Pod pod) {
        return pod.getMetadata().getAnnotations() == null
                ? null
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
