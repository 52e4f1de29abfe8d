package io.unibloc.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.kube.RequestTally;
import io.unibloc.testkit.kube.StrictApiServer;
import io.unibloc.testkit.registry.TestRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Operator throughput against the strict API server: N UnikernelPods of one tag are created at once, a simulated
 * cluster ({@link SimulatedNode}: claim, scheduler, kubelet, each through its own writes) drives their Pods to Ready,
 * and the benchmark prints the wall time until every UnikernelPod has its Pod and a status, until every one is
 * Running, and the operator's API requests per UnikernelPod by verb and resource (counted at the server's dispatcher;
 * the benchmark's own and the simulated cluster's requests carry another User-Agent and are left out). A benchmark,
 * not a timing test: it asserts only that all reached Running. Run on demand:
 * {@code ./mvnw -B -ntp -o verify -pl operator -am -Dtest=ThroughputBench -Dunibloc.bench=true
 * -Dunibloc.bench.counts=200,500 -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}.
 */
@QuarkusTest
@TestProfile(OperatorTestProfile.class)
@WithTestResource(StrictApi.class)
@EnabledIfSystemProperty(
        named = "unibloc.bench",
        matches = "true",
        disabledReason = "a benchmark; -Dunibloc.bench=true")
class ThroughputBench {
    private static final String AGENT = "unibloc-bench";
    private static TestRegistry registry;

    StrictApiServer server;

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void unikernelPodsToRunning() throws Exception {
        PushedImage image = Images.push(registry, "demo/throughput", "1.0", "console=ttyS0");
        List<Integer> counts = Arrays.stream(
                        System.getProperty("unibloc.bench.counts", "200").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        try (KubernetesClient bench = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(server.client().getConfiguration())
                        .withUserAgent(AGENT)
                        .withMaxConcurrentRequests(64)
                        .withMaxConcurrentRequestsPerHost(64)
                        .build())
                .build()) {
            for (int count : counts) {
                run(bench, image, count);
            }
        }
    }

    private void run(KubernetesClient bench, PushedImage image, int count) throws Exception {
        String ns = "bench-" + count;
        RequestTally tally = server.dispatcher().tally();
        try (SimulatedNode node = new SimulatedNode(bench, ns, 8)) {
            tally.reset();
            long start = System.nanoTime();
            ExecutorService users = Executors.newFixedThreadPool(8);
            try {
                List<Future<UnikernelPod>> created = IntStream.range(0, count)
                        .mapToObj(i -> users.submit(() -> bench.resources(UnikernelPod.class)
                                .resource(ukp(ns, String.format("guest-%04d", i), image.reference()))
                                .create()))
                        .toList();
                for (Future<UnikernelPod> f : created) {
                    f.get();
                }
            } finally {
                users.shutdown();
            }
            long createdMs = millisSince(start);
            long[] withStatusMs = {-1};
            await("all " + count + " Running")
                    .atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        List<UnikernelPod> all = bench.resources(UnikernelPod.class)
                                .inNamespace(ns)
                                .list()
                                .getItems();
                        if (withStatusMs[0] < 0
                                && all.stream()
                                                .filter(u -> u.getStatus() != null
                                                        && u.getStatus().getPodName() != null)
                                                .count()
                                        == count) {
                            withStatusMs[0] = millisSince(start);
                        }
                        return all.stream()
                                        .filter(u -> u.getStatus() != null
                                                && u.getStatus().getPhase() == Phase.Running)
                                        .count()
                                == count;
                    });
            long runningMs = millisSince(start);
            // Let the last writes and any follow-up reconciles land before counting.
            Thread.sleep(3_000);
            Map<String, Long> byVerb = new TreeMap<>();
            long total = 0;
            for (Map.Entry<RequestTally.Key, Long> e : tally.snapshot().entrySet()) {
                if (e.getKey().agent().startsWith(AGENT)) {
                    continue;
                }
                byVerb.merge(e.getKey().verb() + " " + e.getKey().resource(), e.getValue(), Long::sum);
                total += e.getValue();
            }
            assertThat(node.failures()).as("simulated cluster failures").isZero();
            StringBuilder out = new StringBuilder();
            out.append(String.format(
                    "THROUGHPUT N=%d: created in %d ms; all with Pod + status after %d ms; all Running after %d ms;"
                            + " operator API requests %d = %.2f per UnikernelPod%n",
                    count, createdMs, withStatusMs[0], runningMs, total, total / (double) count));
            byVerb.forEach((k, v) -> out.append(
                    String.format("THROUGHPUT N=%d:   %-40s %6d  %.2f/UKP%n", count, k, v, v / (double) count)));
            System.out.print(out);
        }
    }

    private static UnikernelPod ukp(String ns, String name, String image) {
        UnikernelPod ukp = new UnikernelPod();
        ukp.getMetadata().setName(name);
        ukp.getMetadata().setNamespace(ns);
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage(image);
        ukp.setSpec(spec);
        return ukp;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
