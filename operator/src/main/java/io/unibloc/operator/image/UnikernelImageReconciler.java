package io.unibloc.operator.image;

import static io.unibloc.api.status.Conditions.FALSE;
import static io.unibloc.api.status.Conditions.TRUE;
import static io.unibloc.api.v1alpha1.UnikernelImageStatus.IMAGE_PINNED;
import static io.unibloc.api.v1alpha1.UnikernelImageStatus.READY;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.UnikernelImage;
import io.unibloc.api.v1alpha1.UnikernelImageStatus;
import io.unibloc.operator.config.OperatorConfig;
import io.unibloc.operator.metrics.ReconcileMetrics;
import io.unibloc.operator.pin.PinCache;
import io.unibloc.operator.pin.PinResult;
import io.unibloc.operator.pin.PullSecrets;
import io.unibloc.operator.status.EventRecorder;
import io.unibloc.operator.status.StatusWrites;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps a UnikernelImage's status: the digest its tag points to (re-read after the pin cache's TTL, so
 * the node plugins follow a moved tag) and how many selected nodes report it prepared. Every NodeStore
 * or Node label change re-evaluates every UnikernelImage; they are few, and the check reads caches only.
 */
@ControllerConfiguration(name = UnikernelImageReconciler.NAME)
@GradualRetry(maxAttempts = -1, initialInterval = 2_000, intervalMultiplier = 2, maxInterval = 300_000)
public class UnikernelImageReconciler implements Reconciler<UnikernelImage> {
    public static final String NAME = "unikernelimage";
    private static final List<String> CONDITION_ORDER = List.of(IMAGE_PINNED, READY);

    private final PinCache pins;
    private final PullSecrets pullSecrets;
    private final EventRecorder events;
    private final ReconcileMetrics metrics;
    private final Clock clock;
    private final Duration repin;
    private final SimpleInboundEventSource<UnikernelImage> pinEvents = new SimpleInboundEventSource<>(NAME + "-pins");

    public UnikernelImageReconciler(
            PinCache pins,
            PullSecrets pullSecrets,
            EventRecorder events,
            ReconcileMetrics metrics,
            Clock clock,
            OperatorConfig config) {
        this.pins = pins;
        this.pullSecrets = pullSecrets;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.repin = config.pin().cacheTtl();
    }

    @Override
    public List<EventSource<?, UnikernelImage>> prepareEventSources(EventSourceContext<UnikernelImage> context) {
        SecondaryToPrimaryMapper<NodeStore> storesToAll = store -> all(context);
        SecondaryToPrimaryMapper<Node> nodesToAll = node -> all(context);
        var stores = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(NodeStore.class, UnikernelImage.class)
                        .withName(NAME + "-nodestores")
                        .withSecondaryToPrimaryMapper(storesToAll)
                        .withPrimaryToSecondaryMapper(uki -> Set.of())
                        // Node plugins refresh their figures periodically; only the prepared images matter here.
                        .withOnUpdateFilter((next, previous) -> !Objects.equals(images(next), images(previous)))
                        .build(),
                context);
        var nodes = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Node.class, UnikernelImage.class)
                        .withName(NAME + "-nodes")
                        .withSecondaryToPrimaryMapper(nodesToAll)
                        .withPrimaryToSecondaryMapper(uki -> Set.of())
                        // Node status changes every few minutes on every node; only labels matter here.
                        .withOnUpdateFilter((next, previous) -> !Objects.equals(
                                next.getMetadata().getLabels(),
                                previous.getMetadata().getLabels()))
                        .build(),
                context);
        return List.of(stores, nodes, pinEvents);
    }

    private static String images(NodeStore store) {
        return store.getStatus() == null
                ? ""
                : Serialization.asJson(store.getStatus().getImages());
    }

    private static Set<ResourceID> all(EventSourceContext<UnikernelImage> context) {
        return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<UnikernelImage> reconcile(UnikernelImage uki, Context<UnikernelImage> context)
            throws Exception {
        return metrics.time("UnikernelImage", () -> reconcileNow(uki, context));
    }

    private UpdateControl<UnikernelImage> reconcileNow(UnikernelImage uki, Context<UnikernelImage> context) {
        UnikernelImageStatus old = uki.getStatus() == null ? new UnikernelImageStatus() : uki.getStatus();
        long generation = Optional.ofNullable(uki.getMetadata().getGeneration()).orElse(0L);
        Conditions conditions = new Conditions(old.getConditions(), generation, clock.instant());
        UnikernelImageStatus next = new UnikernelImageStatus();
        next.setObservedGeneration(generation);
        Instant retryAt = null;

        Optional<ImageReference> wanted = parse(uki, conditions);
        if (wanted.isPresent()) {
            PullSecrets.Result secrets = pullSecrets.read(
                    uki.getMetadata().getNamespace(), uki.getSpec().getImagePullSecrets());
            if (secrets instanceof PullSecrets.Problem problem) {
                conditions.set(IMAGE_PINNED, FALSE, problem.reason(), problem.message());
                retryAt = clock.instant()
                        .plus(repin.compareTo(Duration.ofSeconds(30)) < 0 ? repin : Duration.ofSeconds(30));
            } else {
                retryAt = pin(uki, wanted.get(), ((PullSecrets.Found) secrets).credentials(), old, next, conditions);
            }
        }
        if (next.getPinnedImage() != null) {
            readiness(
                    uki,
                    next,
                    cached(context, Node.class, NAME + "-nodes"),
                    cached(context, NodeStore.class, NAME + "-nodestores"),
                    conditions);
        } else {
            conditions.set(READY, FALSE, "WaitingForImage", "nodes prepare the image once it is pinned");
        }
        next.setConditions(conditions.list(CONDITION_ORDER));
        for (Conditions.Transition t : conditions.transitions()) {
            if (TRUE.equals(t.condition().getStatus())) {
                events.record(
                        uki,
                        EventRecorder.Type.Normal,
                        t.condition().getReason(),
                        t.condition().getMessage());
            } else if (!"Pinning".equals(t.condition().getReason())
                    && !"Preparing".equals(t.condition().getReason())
                    && !"WaitingForImage".equals(t.condition().getReason())) {
                events.record(
                        uki,
                        EventRecorder.Type.Warning,
                        t.condition().getReason(),
                        t.condition().getMessage());
            }
        }
        UpdateControl<UnikernelImage> control = UpdateControl.noUpdate();
        if (!Objects.equals(Serialization.asJson(old), Serialization.asJson(next))
                && StatusWrites.specChangedMeanwhile(uki, StatusWrites.patch(context, uki, uki.getStatus(), next))) {
            return control.rescheduleAfter(Duration.ofMillis(10));
        }
        Duration wait = retryAt == null ? repin : Duration.between(clock.instant(), retryAt);
        return control.rescheduleAfter(wait.isNegative() || wait.isZero() ? Duration.ofMillis(100) : wait);
    }

    private Optional<ImageReference> parse(UnikernelImage uki, Conditions conditions) {
        String image = uki.getSpec() == null ? null : uki.getSpec().getImage();
        if (image == null || image.isBlank()) {
            conditions.set(IMAGE_PINNED, FALSE, "InvalidSpec", "spec.image is required: the OCI image to prepare");
            return Optional.empty();
        }
        try {
            ImageReference ref = ImageReference.parse(image);
            if (!ref.isLayout()) {
                return Optional.of(ref);
            }
            conditions.set(
                    IMAGE_PINNED,
                    FALSE,
                    "InvalidSpec",
                    "spec.image '" + image + "' is an oci: layout on one machine; use a registry reference");
        } catch (RegistryException e) {
            conditions.set(IMAGE_PINNED, FALSE, "InvalidSpec", "spec.image: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Pins through the cache; keeps the last digest while a re-pin is running or failing. */
    private Instant pin(
            UnikernelImage uki,
            ImageReference wanted,
            RegistryCredentials credentials,
            UnikernelImageStatus old,
            UnikernelImageStatus next,
            Conditions conditions) {
        ResourceID id = ResourceID.fromResource(uki);
        PinResult result = pins.lookup(
                wanted, credentials, new PinCache.Waiter(NAME + "/" + id, () -> pinEvents.propagateEvent(id)));
        boolean sameImage = old.getPinnedImage() != null && samePin(wanted, old.getPinnedImage());
        if (result instanceof PinResult.Pinned pinned) {
            ImageReference ref = pinned.image().reference();
            next.setPinnedImage(ref.toString());
            next.setImageDigest(ref.digest().toString());
            next.setShortDigest(ref.digest().shortHex());
            conditions.set(
                    IMAGE_PINNED, TRUE, "Pinned", "pinned " + uki.getSpec().getImage() + " to " + ref.digest());
            return null;
        }
        if (sameImage) {
            next.setPinnedImage(old.getPinnedImage());
            next.setImageDigest(old.getImageDigest());
            next.setShortDigest(old.getShortDigest());
        }
        if (result instanceof PinResult.Failed failed) {
            conditions.set(IMAGE_PINNED, FALSE, failed.reason(), failed.message());
            return failed.permanent() ? null : failed.retryAt();
        }
        if (!sameImage) {
            conditions.set(
                    IMAGE_PINNED, FALSE, "Pinning", "resolving " + uki.getSpec().getImage() + " at its registry");
        }
        return null;
    }

    private static boolean samePin(ImageReference wanted, String pinned) {
        ImageReference p = ImageReference.parse(pinned);
        return wanted.registry().equals(p.registry())
                && wanted.repository().equals(p.repository())
                && (wanted.digest() != null
                        ? wanted.digest().equals(p.digest())
                        : Objects.equals(wanted.tag(), p.tag()));
    }

    /** Everything an informer of this controller holds (these are not per-primary secondaries). */
    @SuppressWarnings("unchecked")
    private static <R extends HasMetadata> List<R> cached(Context<UnikernelImage> context, Class<R> type, String name) {
        var source = (InformerEventSource<R, UnikernelImage>)
                context.eventSourceRetriever().getEventSourceFor(type, name);
        return source.list(r -> true).toList();
    }

    private static void readiness(
            UnikernelImage uki,
            UnikernelImageStatus next,
            List<Node> nodeList,
            List<NodeStore> stores,
            Conditions conditions) {
        Map<String, Node> nodes = nodeList.stream()
                .collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity(), (a, b) -> a));
        NodeReadiness r = NodeReadiness.of(uki, next.getPinnedImage(), stores, nodes);
        next.setNodesSelected(r.selected().size());
        next.setNodesReady(r.ready().size());
        next.setPendingNodes(
                r.pending().isEmpty()
                        ? null
                        : r.pending().subList(0, Math.min(r.pending().size(), UnikernelImageStatus.MAX_LISTED_NODES)));
        if (r.selected().isEmpty()) {
            conditions.set(READY, FALSE, "NoNodes", "no node with the unibloc node plugin matches spec.nodeSelector");
        } else if (r.pending().isEmpty()) {
            conditions.set(
                    READY, TRUE, "Prepared", "prepared on all " + r.selected().size() + " selected nodes");
        } else if (r.failure().isPresent()) {
            conditions.set(
                    READY,
                    FALSE,
                    "PreparationFailed",
                    r.ready().size() + " of " + r.selected().size() + " nodes ready; "
                            + r.failure().get());
        } else {
            conditions.set(
                    READY,
                    FALSE,
                    "Preparing",
                    r.ready().size() + " of " + r.selected().size() + " nodes ready");
        }
    }
}
