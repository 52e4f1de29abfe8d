package io.unibloc.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.registry.TestRegistry;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 200 UnikernelPods of one tag: each gets its Pod and a Preparing status, and the registry is asked
 * once. Prints the time; asserts only that it finishes within a generous bound.
 */
@QuarkusTest
@TestProfile(OperatorTestProfile.class)
@WithTestResource(StrictApi.class)
class ScaleTest {
    private static final int COUNT = 200;
    private static final String NS = "scale";
    private static TestRegistry registry;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry meters;

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

    private long pins() {
        return meters.find("unibloc.operator.pin").tag("outcome", "pinned").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    @Test
    void twoHundredUnikernelPodsAreReconciled() throws Exception {
        PushedImage image = Images.push(registry, "demo/scale", "1.0", "console=ttyS0");
        long pinsBefore = pins();
        long start = System.nanoTime();
        ExecutorService users = Executors.newFixedThreadPool(4);
        try {
            List<Future<UnikernelPod>> created = IntStream.range(0, COUNT)
                    .mapToObj(i -> users.submit(() -> {
                        UnikernelPod ukp = new UnikernelPod();
                        ukp.getMetadata().setName(String.format("guest-%03d", i));
                        ukp.getMetadata().setNamespace(NS);
                        UnikernelPodSpec spec = new UnikernelPodSpec();
                        spec.setImage(image.reference());
                        spec.setArgs(List.of("--id", Integer.toString(i)));
                        ukp.setSpec(spec);
                        return client.resources(UnikernelPod.class)
                                .resource(ukp)
                                .create();
                    }))
                    .toList();
            for (Future<UnikernelPod> f : created) {
                f.get();
            }
        } finally {
            users.shutdown();
        }
        long createdMillis = (System.nanoTime() - start) / 1_000_000;

        await("all " + COUNT + " reconciled")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<UnikernelPod> ukps = client.resources(UnikernelPod.class)
                            .inNamespace(NS)
                            .list()
                            .getItems();
                    long preparing = ukps.stream()
                            .filter(u -> u.getStatus() != null
                                    && u.getStatus().getPhase() == Phase.Preparing
                                    && u.getStatus().getPodName() != null)
                            .count();
                    return preparing == COUNT;
                });
        long reconciledMillis = (System.nanoTime() - start) / 1_000_000;

        List<Pod> pods = client.pods().inNamespace(NS).list().getItems();
        Set<String> owners = pods.stream()
                .map(p -> p.getMetadata().getAnnotations().get("unibloc.io/unikernel-pod"))
                .collect(Collectors.toSet());
        assertThat(pods).as("exactly one Pod per UnikernelPod").hasSize(COUNT);
        assertThat(owners).hasSize(COUNT);
        assertThat(pins() - pinsBefore)
                .as("one registry pin for 200 UnikernelPods of one tag")
                .isEqualTo(1);
        System.out.printf(
                "SCALE: %d UnikernelPods created in %d ms, all with a Pod and status Preparing after %d ms"
                        + " (%.1f per second)%n",
                COUNT, createdMillis, reconciledMillis, COUNT * 1000.0 / reconciledMillis);
    }
}
