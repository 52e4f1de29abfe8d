package io.unibloc.csi.node.prewarm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.unibloc.api.v1alpha1.NodeStoreImage;
import io.unibloc.api.v1alpha1.NodeStoreImagePhase;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.node.reconcile.VolumeCredentials;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code unibloc.io/v1alpha1 UnikernelImage} resources (read generically: the type belongs to the
 * operator) and prepares the images whose {@code spec.nodeSelector} matches this node's labels, using
 * {@code status.pinnedImage} when the operator has pinned it, else {@code spec.image}. Each image is
 * prepared once per content (single flight); failures are retried on the next resync. {@link #images()}
 * is what the NodeStore reports.
 */
public final class PrewarmController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrewarmController.class);
    public static final String API_VERSION = "unibloc.io/v1alpha1";
    public static final String KIND = "UnikernelImage";
    /** Given in full so that no API discovery is needed (and none is mocked in tests). */
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("unibloc.io")
            .withVersion("v1alpha1")
            .withKind(KIND)
            .withPlural("unikernelimages")
            .withNamespaced(true)
            .build();

    private final KubernetesClient client;
    private final BlockStore store;
    private final String node;
    private final VolumeCredentials secrets;
    private final Clock clock;
    private final Duration resync;
    private final ExecutorService workers = Executors.newSingleThreadExecutor(r -> daemon(r, "prewarm"));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "prewarm-timer"));
    private final Map<String, NodeStoreImage> states = new ConcurrentHashMap<>();
    private final Map<String, String> inFlight = new ConcurrentHashMap<>();
    private volatile SharedIndexInformer<GenericKubernetesResource> informer;

    public PrewarmController(KubernetesClient client, BlockStore store, String node, Clock clock, Duration resync) {
        this.client = client;
        this.store = store;
        this.node = node;
        this.secrets = new VolumeCredentials(client);
        this.clock = clock;
        this.resync = resync;
    }

    /** Starts watching; a cluster without the UnikernelImage CRD is logged and retried on each resync. */
    public void start() {
        timer.scheduleWithFixedDelay(this::resyncAll, 0, resync.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Pre-warming state of every selected image, sorted by namespace/name. */
    public List<NodeStoreImage> images() {
        List<NodeStoreImage> out = new ArrayList<>(states.values());
        out.sort(Comparator.comparing(NodeStoreImage::getNamespace).thenComparing(NodeStoreImage::getName));
        return out;
    }

    private void resyncAll() {
        try {
            if (informer == null) {
                informer = client.genericKubernetesResources(CONTEXT)
                        .inAnyNamespace()
                        .inform(
                                new ResourceEventHandler<>() {
                                    @Override
                                    public void onAdd(GenericKubernetesResource r) {
                                        consider(r);
                                    }

                                    @Override
                                    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource r) {
                                        consider(r);
                                    }

                                    @Override
                                    public void onDelete(GenericKubernetesResource r, boolean unknown) {
                                        states.remove(key(r));
                                    }
                                },
                                0);
            }
            Map<String, String> labels = nodeLabels();
            for (GenericKubernetesResource r : informer.getStore().list()) {
                consider(r, labels);
            }
        } catch (KubernetesClientException e) {
            LOG.info(
                    "pre-warming idle: cannot watch {} ({}); retrying in {}s",
                    KIND,
                    e.getMessage(),
                    resync.toSeconds());
            if (informer != null) {
                informer.close();
                informer = null;
            }
        }
    }

    private void consider(GenericKubernetesResource resource) {
        try {
            consider(resource, nodeLabels());
        } catch (KubernetesClientException e) {
            LOG.warn("cannot read labels of node={}: {}", node, e.getMessage());
        }
    }

    private void consider(GenericKubernetesResource resource, Map<String, String> labels) {
        String key = key(resource);
        UnikernelImageView view = UnikernelImageView.of(resource);
        if (!view.selects(labels)) {
            states.remove(key);
            return;
        }
        String wanted = view.reference() + "|" + view.fsType();
        NodeStoreImage current = states.get(key);
        if (current != null
                && current.getPhase() == NodeStoreImagePhase.Ready
                && Objects.equals(wanted, current.getImage() + "|" + current.getFsType())) {
            return;
        }
        if (inFlight.putIfAbsent(key, wanted) != null) {
            return;
        }
        NodeStoreImage state = new NodeStoreImage();
        state.setNamespace(resource.getMetadata().getNamespace());
        state.setName(resource.getMetadata().getName());
        state.setImage(view.reference());
        state.setFsType(view.fsType());
        state.setPhase(NodeStoreImagePhase.Preparing);
        states.put(key, state);
        workers.execute(() -> prepare(key, view, state));
    }

    private void prepare(String key, UnikernelImageView view, NodeStoreImage state) {
        try {
            List<SecretReference> refs = view.pullSecrets().stream()
                    .map(n -> new SecretReference(n, state.getNamespace()))
                    .toList();
            BlockStore.PreparedImage prepared = store.prepare(
                    ImageReference.parse(view.reference()),
                    FsType.parse(view.fsType()),
                    secrets.read(refs),
                    BlockStore.Progress.NONE);
            state.setPinnedImage(prepared.pinned().toString());
            state.setPhase(NodeStoreImagePhase.Ready);
            state.setMessage(prepared.cached() ? "already cached" : "prepared");
            state.setReadyAt(clock.instant().toString());
            LOG.info(
                    "pre-warmed image={} resource={} chains={} cached={}",
                    prepared.pinned(),
                    key,
                    prepared.chainIds().size(),
                    prepared.cached());
        } catch (StoreException | RegistryException | KubernetesClientException e) {
            state.setPhase(NodeStoreImagePhase.Failed);
            state.setMessage(e.getMessage());
            LOG.warn("pre-warming failed resource={} image={} message={}", key, view.reference(), e.getMessage());
        } finally {
            inFlight.remove(key);
        }
    }

    private Map<String, String> nodeLabels() {
        Node n = client.nodes().withName(node).get();
        return n == null || n.getMetadata().getLabels() == null
                ? Map.of()
                : n.getMetadata().getLabels();
    }

    private static String key(GenericKubernetesResource r) {
        return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
        if (informer != null) {
            informer.close();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
