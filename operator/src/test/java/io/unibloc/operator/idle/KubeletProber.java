package io.unibloc.operator.idle;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Runs one container's probes as the kubelet's prober does (pkg/kubelet/prober: one worker per probe, ticking every
 * {@code periodSeconds}), and counts every exec it makes. The rules kept from the kubelet:
 * <ul>
 *   <li>nothing is probed before {@code initialDelaySeconds} after the container started;</li>
 *   <li>while the startup probe has not succeeded, readiness and liveness workers tick without probing; once it
 *       succeeded, the startup worker ticks without probing, for the rest of the container's life;</li>
 *   <li>a result flips after {@code successThreshold} successes or {@code failureThreshold} failures in a row; a
 *       startup or liveness probe that fails kills the container (reported here, the test decides);</li>
 *   <li>the container is Started when its startup probe succeeded (or it has none) and Ready when it is Started and
 *       its readiness probe succeeded (or it has none);</li>
 *   <li>an exec probe runs its command with {@code timeoutSeconds}; exit 0 is success.</li>
 * </ul>
 * The exec runs on the host with the container's paths mapped ({@code mapPath}), the stand-in for the CRI's
 * ExecSync into the container: what is counted is that a probe was run, which is what costs a runc exec per probe on a
 * real node.
 */
final class KubeletProber implements AutoCloseable {
    enum Kind {
        STARTUP,
        READINESS,
        LIVENESS
    }

    private final ScheduledExecutorService ticks = Executors.newScheduledThreadPool(3, r -> {
        Thread t = new Thread(r, "kubelet-prober");
        t.setDaemon(true);
        return t;
    });
    private final Map<Kind, AtomicInteger> execs = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean readinessOk = new AtomicBoolean();
    private final AtomicBoolean killed = new AtomicBoolean();
    private final long containerStart = System.nanoTime();
    private final boolean hasStartup;
    private final boolean hasReadiness;
    private final UnaryOperator<String> mapPath;

    KubeletProber(Container container, UnaryOperator<String> mapPath) {
        this.mapPath = mapPath;
        this.hasStartup = container.getStartupProbe() != null;
        this.hasReadiness = container.getReadinessProbe() != null;
        started.set(!hasStartup);
        for (Kind k : Kind.values()) {
            execs.put(k, new AtomicInteger());
        }
        worker(Kind.STARTUP, container.getStartupProbe());
        worker(Kind.READINESS, container.getReadinessProbe());
        worker(Kind.LIVENESS, container.getLivenessProbe());
    }

    private void worker(Kind kind, Probe probe) {
        if (probe == null) {
            return;
        }
        int period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
        int success = probe.getSuccessThreshold() == null ? 1 : probe.getSuccessThreshold();
        int failure = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
        int delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ticks.scheduleAtFixedRate(
                () -> {
                    if (killed.get() || elapsedSeconds() < delay) {
                        return;
                    }
                    if (kind == Kind.STARTUP && started.get()) {
                        return; // stop probing for startup once the container has started
                    }
                    if (kind != Kind.STARTUP && !started.get()) {
                        return; // other probes are disabled until the container has started
                    }
                    boolean ok = run(kind, probe);
                    if (ok) {
                        failures.set(0);
                        if (successes.incrementAndGet() >= success) {
                            if (kind == Kind.STARTUP) {
                                started.set(true);
                            } else if (kind == Kind.READINESS) {
                                readinessOk.set(true);
                            }
                        }
                    } else {
                        successes.set(0);
                        if (failures.incrementAndGet() >= failure) {
                            if (kind == Kind.READINESS) {
                                readinessOk.set(false);
                            } else {
                                killed.set(true);
                            }
                        }
                    }
                },
                0,
                period,
                TimeUnit.SECONDS);
    }

    private boolean run(Kind kind, Probe probe) {
        if (probe.getExec() == null) {
            throw new IllegalStateException(kind + " probe is not an exec probe; this harness runs exec probes only");
        }
        execs.get(kind).incrementAndGet();
        List<String> command = new ArrayList<>();
        for (String word : probe.getExec().getCommand()) {
            command.add(mapPath.apply(word));
        }
        int timeout = probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds();
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - containerStart) / 1e9;
    }

    boolean started() {
        return started.get();
    }

    /** The container's Ready condition as the kubelet computes it. */
    boolean ready() {
        return started.get() && (!hasReadiness || readinessOk.get());
    }

    boolean killed() {
        return killed.get();
    }

    /** Exec probes run so far, all kinds together. */
    int execs() {
        return execs.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int execs(Kind kind) {
        return execs.get(kind).get();
    }

    @Override
    public void close() {
        ticks.shutdownNow();
    }
}
