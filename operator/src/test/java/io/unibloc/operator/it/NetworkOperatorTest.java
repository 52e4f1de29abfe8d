package io.unibloc.operator.it;

import static io.unibloc.operator.it.Cluster.condition;
import static io.unibloc.operator.it.Cluster.exited;
import static io.unibloc.operator.it.Cluster.running;
import static io.unibloc.operator.it.UnikernelPodLifecycleTest.message;
import static io.unibloc.operator.it.UnikernelPodLifecycleTest.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.GuestPort;
import io.unibloc.api.v1alpha1.pod.Network;
import io.unibloc.api.v1alpha1.pod.RestartPolicy;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.kube.StrictApiServer;
import io.unibloc.testkit.registry.TestRegistry;
import io.unibloc.types.NetworkMode;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Networking seen from the operator, against the strict API server with Pod Security admission: the Pod each mode
 * gets, auto's fallback from tap to passt where a namespace's policy forbids NET_ADMIN, the guest's IPs in status,
 * and a sandbox that could not wire the guest.
 */
@QuarkusTest
@TestProfile(OperatorTestProfile.class)
@WithTestResource(StrictApi.class)
class NetworkOperatorTest {
    private static TestRegistry registry;
    private static PushedImage image;

    @Inject
    KubernetesClient client;

    StrictApiServer api;

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start();
        image = Images.push(registry, "demo/web", "1.0", "console=ttyS0");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private void namespace(String name, Map<String, String> labels) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .build())
                .create();
    }

    private static UnikernelPod web(String namespace, String name, NetworkMode mode) {
        UnikernelPod ukp = new UnikernelPod();
        ukp.getMetadata().setName(name);
        ukp.getMetadata().setNamespace(namespace);
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage(image.reference());
        spec.setPorts(List.of(new GuestPort("http", 8080, null)));
        if (mode != null) {
            spec.setNetwork(new Network(mode));
        }
        ukp.setSpec(spec);
        return ukp;
    }

    private long podCreates(String namespace) {
        return api.dispatcher().requests().stream()
                .filter(w ->
                        w.method().equals("POST") && w.path().startsWith("/api/v1/namespaces/" + namespace + "/pods"))
                .count();
    }

    /** The kubelet reports a running, ready sandbox and the CNI's addresses. */
    private void runningWithIps(Cluster cluster, Pod pod, String... ips) {
        cluster.provisionClaim(pod, "Bound");
        Pod scheduled = cluster.schedule(pod, "node-a");
        cluster.status(
                scheduled,
                "Running",
                List.of(condition("PodScheduled", "True"), condition("Ready", "True")),
                running(true));
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .editStatus(p -> {
                    p.getStatus().setPodIP(ips[0]);
                    p.getStatus()
                            .setPodIPs(List.of(ips).stream().map(PodIP::new).toList());
                    return p;
                });
    }

    @Test
    void autoFallsBackToPasstWherePodSecurityBaselineForbidsNetAdmin() {
        String ns = "net-baseline";
        namespace(ns, Map.of("pod-security.kubernetes.io/enforce", "baseline"));
        Cluster cluster = new Cluster(client);
        cluster.create(web(ns, "web", null));

        Pod pod = cluster.awaitPod(ns, "web");
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("unibloc.io/network-mode", "passt")
                .hasEntrySatisfying(
                        "unibloc.io/network-fallback",
                        why -> assertThat(why)
                                .contains("namespace net-baseline enforces Pod Security \"baseline:latest\"")
                                .contains("pod-security.kubernetes.io/enforce=privileged"));
        assertThat(pod.getSpec().getContainers().get(0).getSecurityContext().getCapabilities())
                .isNull();
        assertThat(podCreates(ns))
                .as("one tap Pod refused, one passt Pod created")
                .isEqualTo(2);

        UnikernelPodStatus fellBack = cluster.awaitStatus(
                ns, "web", "fallback in status", s -> "NetworkModeFallback".equals(reason(s, "Network")));
        assertThat(message(fellBack, "Network")).contains("the guest uses passt");
        assertThat(fellBack.getNetwork().getMode()).isEqualTo(NetworkMode.PASST);
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "web").contains("Normal:NetworkModeFallback"));

        runningWithIps(cluster, pod, "10.42.0.17", "fd00:42::17");
        UnikernelPodStatus running = cluster.awaitStatus(
                ns,
                "web",
                "the guest's IPs",
                s -> s.getNetwork() != null && s.getNetwork().getPodIP() != null);
        assertThat(running.getNetwork().getPodIP()).isEqualTo("10.42.0.17");
        assertThat(running.getNetwork().getPodIPs()).containsExactly("10.42.0.17", "fd00:42::17");
        assertThat(running.getNetwork().getMode()).isEqualTo(NetworkMode.PASST);
    }

    @Test
    void anExplicitTapThatPodSecurityForbidsSaysHowToFixIt() {
        String ns = "net-tap-forbidden";
        namespace(ns, Map.of("pod-security.kubernetes.io/enforce", "baseline"));
        Cluster cluster = new Cluster(client);
        cluster.create(web(ns, "tap", NetworkMode.TAP));

        UnikernelPodStatus refused = cluster.awaitStatus(
                ns, "tap", "tap refused", s -> "NetworkModeForbidden".equals(reason(s, "Scheduled")));
        assertThat(message(refused, "Scheduled"))
                .contains("violates PodSecurity \"baseline:latest\"")
                .contains("set spec.network.mode passt (or auto)");
        assertThat(reason(refused, "Ready")).isEqualTo("NetworkModeForbidden");
        assertThat(cluster.podsOf(ns, "tap"))
                .as("no passt Pod behind the user's back")
                .isEmpty();
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "tap").contains("Warning:NetworkModeForbidden"));
        // Retried with the runtime's back-off (2 s, doubling), never in a loop: the claim created and deleted around
        // each refused Pod once woke the reconciler at once and made ~100 Pod creates a second.
        long before = podCreates(ns);
        sleepQuietly(Duration.ofSeconds(3));
        assertThat(podCreates(ns) - before)
                .as("Pod creates in 3 s after a refusal")
                .isLessThanOrEqualTo(2);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void autoIsTapWhereNothingForbidsItAndTheStatusShowsTheGuestsIp() {
        String ns = "net-open";
        namespace(ns, Map.of());
        Cluster cluster = new Cluster(client);
        cluster.create(web(ns, "web", NetworkMode.AUTO));

        Pod pod = cluster.awaitPod(ns, "web");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("unibloc.io/network-mode", "tap");
        assertThat(pod.getSpec()
                        .getContainers()
                        .get(0)
                        .getSecurityContext()
                        .getCapabilities()
                        .getAdd())
                .containsExactly("NET_ADMIN");
        assertThat(podCreates(ns)).isEqualTo(1);
        runningWithIps(cluster, pod, "10.42.0.18");
        UnikernelPodStatus running = cluster.awaitStatus(
                ns,
                "web",
                "the guest's IP",
                s -> s.getNetwork() != null && s.getNetwork().getPodIP() != null);
        assertThat(reason(running, "Network")).isEqualTo("TapMode");
        assertThat(running.getNetwork().getMode()).isEqualTo(NetworkMode.TAP);
        assertThat(running.getNetwork().getPodIPs()).containsExactly("10.42.0.18");
    }

    @Test
    void aSandboxThatCouldNotWireTheGuestIsAConditionAndOneWarningNamingTheFix() {
        String ns = "net-failed";
        namespace(ns, Map.of());
        Cluster cluster = new Cluster(client);
        UnikernelPod ukp = web(ns, "deaf", NetworkMode.TAP);
        ukp.getSpec().setRestartPolicy(RestartPolicy.Never);
        cluster.create(ukp);
        Pod pod = cluster.awaitPod(ns, "deaf");
        cluster.provisionClaim(pod, "Bound");
        pod = cluster.schedule(pod, "node-a");
        String report = "{\"reason\":\"NetworkSetupFailed\",\"exitCode\":1,\"accel\":\"tcg\",\"message\":\"tap mode"
                + " needs /dev/net/tun, which this container lacks; set spec.network.mode: passt, or run the unibloc"
                + " node plugin (its device plugin hands out /dev/net/tun)\"}";
        cluster.status(
                pod,
                "Failed",
                List.of(condition("PodScheduled", "True"), condition("Ready", "False")),
                new ContainerStatusBuilder(exited(1))
                        .editState()
                        .editTerminated()
                        .withMessage(report)
                        .endTerminated()
                        .endState()
                        .build());
        UnikernelPodStatus failed = cluster.awaitStatus(
                ns, "deaf", "network setup failed", s -> "NetworkSetupFailed".equals(reason(s, "Network")));
        assertThat(message(failed, "Network")).contains("set spec.network.mode: passt");
        assertThat(reason(failed, "Booted")).isEqualTo("NetworkSetupFailed");
        assertThat(failed.getConditions().stream().filter(c -> c.getType().equals("Network")))
                .singleElement()
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"));
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "deaf").contains("Warning:NetworkSetupFailed"));
        assertThat(cluster.eventReasons(ns, "deaf").stream().filter("Warning:NetworkSetupFailed"::equals))
                .as("Network and Booted show one cause: one Warning")
                .hasSize(1);
    }
}
