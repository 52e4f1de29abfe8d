package io.unibloc.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.operator.config.OperatorConfig;
import io.unibloc.operator.metrics.ReconcileMetrics;
import io.unibloc.operator.pin.PinCache;
import io.unibloc.operator.pin.PullSecrets;
import io.unibloc.operator.pod.PodSettings;
import io.unibloc.operator.runtimeclass.RuntimeClasses;
import io.unibloc.operator.status.EventRecorder;
import io.unibloc.registry.client.RegistryClient;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.pin.ImagePinner;
import io.unibloc.registry.pin.RegistryImagePinner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Wires the operator's parts from its configuration; each is a plain class that tests can build by hand. */
@Singleton
public class OperatorBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    PodSettings podSettings(OperatorConfig config) {
        return PodSettings.from(config);
    }

    @Produces
    @Singleton
    RegistryClient registryClient(OperatorConfig config, MeterRegistry meters) {
        OperatorConfig.Registry r = config.registry();
        RegistryConfig rc = RegistryConfig.defaults()
                .withInsecure(new HashSet<>(r.insecure().orElse(List.of())))
                .withMirrors(Map.of())
                .withRetries(
                        r.maxAttempts(),
                        RegistryConfig.defaults().initialBackoff(),
                        RegistryConfig.defaults().maxBackoff())
                .withTimeouts(r.connectTimeout(), r.idleTimeout());
        return new RegistryClient(rc, meters);
    }

    void closeRegistryClient(@Disposes RegistryClient client) {
        client.close();
    }

    @Produces
    @ApplicationScoped
    ImagePinner imagePinner(RegistryClient client, OperatorConfig config) {
        return new RegistryImagePinner(client, Platform.parse(config.registry().platform()));
    }

    @Produces
    @Singleton
    PinCache pinCache(ImagePinner pinner, OperatorConfig config, Clock clock, MeterRegistry meters) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(config.pin().threads(), r -> {
            Thread t = new Thread(r, "unibloc-pin-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        OperatorConfig.Pin p = config.pin();
        return new PinCache(pinner, threads, clock, p.cacheTtl(), p.backoffInitial(), p.backoffMax(), meters);
    }

    void closePinCache(@Disposes PinCache cache) {
        cache.close();
    }

    @Produces
    @Singleton
    PullSecrets pullSecrets(KubernetesClient client) {
        return new PullSecrets(client);
    }

    @Produces
    @Singleton
    EventRecorder eventRecorder(KubernetesClient client, Clock clock) {
        String instance = System.getenv().getOrDefault("HOSTNAME", "unibloc-operator");
        return new EventRecorder(client, clock, instance);
    }

    /** Watched, not read per reconcile: a refused Pod and an unschedulable one both ask about their RuntimeClass. */
    @Produces
    @Singleton
    RuntimeClasses runtimeClasses(KubernetesClient client) {
        return RuntimeClasses.watching(client);
    }

    void closeRuntimeClasses(@Disposes RuntimeClasses runtimeClasses) {
        runtimeClasses.close();
    }

    @Produces
    @Singleton
    ReconcileMetrics reconcileMetrics(MeterRegistry meters) {
        return new ReconcileMetrics(meters);
    }
}
