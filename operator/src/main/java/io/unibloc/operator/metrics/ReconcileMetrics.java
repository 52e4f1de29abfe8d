package io.unibloc.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.Callable;

/**
 * {@code unibloc_operator_reconcile_seconds{kind,outcome}} (a timer, so count and sum come with it) and
 * {@code unibloc_operator_pods_created_total} / {@code unibloc_operator_pods_replaced_total}. The
 * outcome is {@code ok} or {@code error}; an error is also rethrown, so JOSDK retries it.
 */
public final class ReconcileMetrics {
    private final MeterRegistry registry;
    private final Counter created;
    private final Counter replaced;

    public ReconcileMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.created = Counter.builder("unibloc.operator.pods.created")
                .description("Pods created for UnikernelPods")
                .register(registry);
        this.replaced = Counter.builder("unibloc.operator.pods.replaced")
                .description("Pods deleted because their UnikernelPod's spec or digest changed")
                .register(registry);
    }

    public <T> T time(String kind, Callable<T> reconcile) throws Exception {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = reconcile.call();
            outcome = "ok";
            return result;
        } finally {
            Timer.builder("unibloc.operator.reconcile")
                    .description("Reconciles of unibloc resources")
                    .tag("kind", kind)
                    .tag("outcome", outcome)
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    public void podCreated() {
        created.increment();
    }

    public void podReplaced() {
        replaced.increment();
    }
}
