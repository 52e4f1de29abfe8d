package io.unibloc.csi.node.kvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.unibloc.api.wire.NodeLabels;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's labels for the RuntimeClasses and the operator: {@code unibloc.io/kvm=true|false} (RuntimeClass
 * {@code unibloc-kvm} selects on it when KVM is required), {@code unibloc.io/accel=kvm|tcg} (what guests here run
 * under) and {@code unibloc.io/node=true} (the node plugin runs here; the selector when software emulation is
 * allowed).
 *
 * <p>The labels are desired state, reconciled until the Node shows them: written as a JSON merge patch of only
 * these labels, without a resourceVersion, so the kubelet's and other controllers' concurrent updates of the same
 * Node never make it a 409; any failure (a 409 all the same, a 5xx, no connection, the Node not registered yet) is
 * retried with exponential back-off; and every {@code recheck} the Node is read again, so labels someone removed
 * come back. A node that was never labelled keeps every UnikernelPod Pending, so nothing here ever gives up.
 */
public final class NodeLabeler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param initialBackoff wait after the first failure; doubles per failure up to {@code maxBackoff}
     * @param recheck how often a labelled Node is read again
     */
    public record Settings(Duration initialBackoff, Duration maxBackoff, Duration recheck) {
        public static final Settings DEFAULTS =
                new Settings(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(1));
    }

    private final KubernetesClient client;
    private final String node;
    private final Settings settings;
    private final ScheduledExecutorService timer;
    private Map<String, String> wanted;
    private ScheduledFuture<?> next;
    private int failures;
    private boolean closed;

    public NodeLabeler(KubernetesClient client, String node) {
        this(client, node, Settings.DEFAULTS);
    }

    public NodeLabeler(KubernetesClient client, String node, Settings settings) {
        this.client = client;
        this.node = node;
        this.settings = settings;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-labels");
            t.setDaemon(true);
            return t;
        });
    }

    /** The labels a node with this answer carries. */
    public static Map<String, String> labels(KvmState state) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NodeLabels.KVM, Boolean.toString(state.usable()));
        labels.put(NodeLabels.ACCEL, state.accel());
        labels.put(NodeLabels.NODE, "true");
        return labels;
    }

    /**
     * Makes these the labels to keep and tries once now. Returns whether the Node shows them after this try; when not,
     * tries again in the background until it does. Never throws.
     */
    public synchronized boolean label(KvmState state) {
        wanted = labels(state);
        failures = 0;
        return reconcile();
    }

    /** One try: read the Node, patch what is missing, schedule the next try (back-off) or the next re-check. */
    private synchronized boolean reconcile() {
        if (closed || wanted == null) {
            return false;
        }
        if (next != null) {
            next.cancel(false);
        }
        try {
            Node current = client.nodes().withName(node).get();
            if (current == null) {
                return retry("no such Node (yet)");
            }
            if (!shows(current)) {
                Node patched =
                        client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), patch(wanted));
                if (!shows(patched)) {
                    return retry("the patched Node does not show the labels");
                }
                LOG.info("labelled node={} labels={} afterFailures={}", node, wanted, failures);
            }
            failures = 0;
            next = timer.schedule(this::reconcileQuietly, settings.recheck().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (KubernetesClientException e) {
            return retry("HTTP " + e.getCode() + ": " + e.getMessage());
        }
    }

    private boolean retry(String why) {
        long base = settings.initialBackoff().toMillis() << Math.min(failures, 20);
        long wait = Math.min(base, settings.maxBackoff().toMillis());
        failures++;
        LOG.warn("cannot label node={} yet, attempt={} retryInMs={} cause={}", node, failures, wait, why);
        next = timer.schedule(this::reconcileQuietly, wait, TimeUnit.MILLISECONDS);
        return false;
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep trying.
            synchronized (this) {
                retry(e.toString());
            }
        }
    }

    private boolean shows(Node n) {
        Map<String, String> have = n == null || n.getMetadata().getLabels() == null
                ? Map.of()
                : n.getMetadata().getLabels();
        return wanted.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(), have.get(e.getKey())));
    }

    /** {@code {"metadata":{"labels":{...}}}}: only these labels, no resourceVersion. */
    static String patch(Map<String, String> labels) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode l = root.putObject("metadata").putObject("labels");
        labels.forEach(l::put);
        return root.toString();
    }

    @Override
    public synchronized void close() {
        closed = true;
        timer.shutdownNow();
    }
}
