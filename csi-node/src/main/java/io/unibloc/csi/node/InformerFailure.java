package io.unibloc.csi.node;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.config.InformerStoppedHandler;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node plugin does when an informer that had synced stops with an error (a 403 after an RBAC change, the
 * CRD removed): instead of JOSDK's default {@code System.exit(1)}, which kills the CSI socket, the device plugin and
 * the store from under them while shutdown hooks race {@code Main}'s own close, it records the cause and runs
 * {@code shutdown} (closing the CSI server, so {@code Main} leaves through its try-with-resources and exits non-zero
 * for the kubelet to restart it). Stops without an error (the operator stopping) and failures before the first sync
 * (JOSDK fails the start itself) only get logged.
 */
public final class InformerFailure implements InformerStoppedHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InformerFailure.class);
    private final AtomicReference<Throwable> cause = new AtomicReference<>();
    private final AtomicReference<Runnable> shutdown = new AtomicReference<>();

    /** What to run on a fatal stop; set once the server it closes exists (an informer syncs only after that). */
    public void onFatal(Runnable action) {
        shutdown.set(action);
    }

    /** The error that stopped an informer after its sync, if one did: the plugin must exit non-zero. */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause.get());
    }

    @Override
    public void onStop(SharedIndexInformer informer, Throwable error) {
        if (error == null || !informer.hasSynced()) {
            LOG.debug("informer stopped informer={} synced={} error={}", informer, informer.hasSynced(), error);
            return;
        }
        if (!cause.compareAndSet(null, error)) {
            return; // Another informer already started the shutdown.
        }
        LOG.error(
                "informer stopped after sync, shutting the node plugin down informer={} cause={}",
                informer.getApiTypeClass().getSimpleName(),
                error.toString(),
                error);
        Runnable action = shutdown.get();
        if (action != null) {
            // Not on the informer's thread: closing the server waits for its calls, and Main then stops the operator.
            Thread stopper = new Thread(action, "informer-failure-shutdown");
            stopper.start();
        }
    }
}
