package io.unibloc.operator.runtimeclass;

import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cached read of RuntimeClasses (cluster-scoped, a handful per cluster): an informer once it has synced, a GET
 * before that. Unreadable (no permission, API error) is {@link Lookup.Unknown}, never an exception, so callers fall
 * back to what they would do without the answer.
 */
public final class RuntimeClasses implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeClasses.class);

    /** What is known about one RuntimeClass. */
    public sealed interface Lookup {
        record Found(RuntimeClass runtimeClass) implements Lookup {}

        record Missing() implements Lookup {}

        record Unknown(String why) implements Lookup {}
    }

    private final KubernetesClient client;
    private final SharedIndexInformer<RuntimeClass> informer;

    /** Starts watching RuntimeClasses in the background; {@link #lookup} answers from the API until the cache synced. */
    public static RuntimeClasses watching(KubernetesClient client) {
        SharedIndexInformer<RuntimeClass> informer =
                client.resources(RuntimeClass.class).runnableInformer(0);
        informer.start().exceptionally(e -> {
            LOG.warn("cannot watch RuntimeClasses, reading them one by one: {}", e.toString());
            return null;
        });
        return new RuntimeClasses(client, informer);
    }

    /** Reads every lookup from the API (tests, or a client without watch permission). */
    public static RuntimeClasses uncached(KubernetesClient client) {
        return new RuntimeClasses(client, null);
    }

    private RuntimeClasses(KubernetesClient client, SharedIndexInformer<RuntimeClass> informer) {
        this.client = client;
        this.informer = informer;
    }

    public Lookup lookup(String name) {
        if (informer != null && informer.hasSynced()) {
            RuntimeClass cached = informer.getStore().getByKey(name);
            return cached == null ? new Lookup.Missing() : new Lookup.Found(cached);
        }
        try {
            RuntimeClass read =
                    client.resources(RuntimeClass.class).withName(name).get();
            return read == null ? new Lookup.Missing() : new Lookup.Found(read);
        } catch (KubernetesClientException e) {
            LOG.debug("cannot read RuntimeClass name={} code={}", name, e.getCode());
            return new Lookup.Unknown("cannot read RuntimeClass " + name + ": HTTP " + e.getCode());
        }
    }

    /**
     * Calls {@code changed} with a RuntimeClass's name whenever one is added, changed or deleted (watched instances
     * only), so that Pods admitted under its old form are looked at again without waiting for their own next event.
     */
    public void onChange(Consumer<String> changed) {
        if (informer == null) {
            return;
        }
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(RuntimeClass rc) {
                changed.accept(rc.getMetadata().getName());
            }

            @Override
            public void onUpdate(RuntimeClass before, RuntimeClass after) {
                changed.accept(after.getMetadata().getName());
            }

            @Override
            public void onDelete(RuntimeClass rc, boolean finalStateUnknown) {
                changed.accept(rc.getMetadata().getName());
            }
        });
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
