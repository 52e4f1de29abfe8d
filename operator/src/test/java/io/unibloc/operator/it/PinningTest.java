package io.unibloc.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.KeyRef;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.testkit.image.Platform;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestIndex;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.registry.TestRegistry;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pinning against real registries: failures land in ImagePinned with back-off, and recover by themselves. */
@QuarkusTest
@TestProfile(OperatorTestProfile.class)
@WithTestResource(StrictApi.class)
class PinningTest {
    private static TestRegistry registry;
    private static TestRegistry secured;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry meters;

    @BeforeAll
    static void startRegistries() {
        registry = TestRegistry.start();
        secured = TestRegistry.withBasicAuth("alice", "s3cret");
    }

    @AfterAll
    static void stopRegistries() {
        for (TestRegistry r : new TestRegistry[] {registry, secured}) {
            if (r != null) {
                r.close();
            }
        }
    }

    private static UnikernelPod ukp(String namespace, String name, String image, Consumer<UnikernelPodSpec> change) {
        UnikernelPod ukp = new UnikernelPod();
        ukp.getMetadata().setName(name);
        ukp.getMetadata().setNamespace(namespace);
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage(image);
        change.accept(spec);
        ukp.setSpec(spec);
        return ukp;
    }

    private long pinAttempts(String outcome) {
        return meters.find("unibloc.operator.pin").tag("outcome", outcome).timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    @Test
    void anImageThatIsNotThereYetBacksOffAndIsPinnedOncePushed() {
        String ns = "late";
        Cluster cluster = new Cluster(client);
        long before = pinAttempts("ImageNotFound");
        cluster.create(ukp(ns, "late", registry.hostPort() + "/demo/late:1.0", s -> {}));
        UnikernelPodStatus waiting = cluster.awaitStatus(
                ns,
                "late",
                "ImageNotFound",
                s -> "ImageNotFound".equals(UnikernelPodLifecycleTest.reason(s, "ImagePinned")));
        assertThat(waiting.getPhase()).isEqualTo(Phase.Pending);
        assertThat(UnikernelPodLifecycleTest.message(waiting, "ImagePinned"))
                .contains("demo/late")
                .contains("next attempt");
        assertThat(cluster.podsOf(ns, "late")).isEmpty();
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "late").contains("Warning:ImageNotFound"));

        // Back-off 0.5 s doubling to 2 s: in 4 s at most ~5 attempts, never a hot loop.
        await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
        long attempts = pinAttempts("ImageNotFound") - before;
        assertThat(attempts).as("registry calls while the image is missing").isBetween(2L, 7L);
        assertThat(cluster.eventReasons(ns, "late").stream().filter("Warning:ImageNotFound"::equals))
                .as("one event per transition, not per attempt")
                .hasSize(1);

        PushedImage image = Images.push(registry, "demo/late", "1.0", "console=ttyS0");
        UnikernelPodStatus pinned = cluster.awaitStatus(
                ns,
                "late",
                "pinned after the push",
                s -> image.digest().equals(s.getImageDigest()) && s.getPhase() == Phase.Preparing);
        assertThat(UnikernelPodLifecycleTest.reason(pinned, "ImagePinned")).isEqualTo("Pinned");
        cluster.awaitPod(ns, "late");
    }

    @Test
    void aMissingOrWrongPullSecretIsReportedUntilFixed() {
        String ns = "auth";
        PushedImage image = Images.push(secured, "demo/private", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(
                ns,
                "private",
                image.reference(),
                s -> s.setImagePullSecrets(List.of(new LocalObjectReference("regcred")))));
        UnikernelPodStatus noSecret = cluster.awaitStatus(
                ns,
                "private",
                "secret missing",
                s -> "PullSecretNotFound".equals(UnikernelPodLifecycleTest.reason(s, "ImagePinned")));
        assertThat(UnikernelPodLifecycleTest.message(noSecret, "ImagePinned")).contains("auth/regcred");

        String wrong = "{\"auths\":{\"" + secured.hostPort() + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8)) + "\"}}}";
        client.secrets()
                .inNamespace(ns)
                .resource(dockerSecret("regcred", wrong))
                .create();
        UnikernelPodStatus refused = cluster.awaitStatus(
                ns,
                "private",
                "credentials refused",
                s -> "RegistryAuthFailed".equals(UnikernelPodLifecycleTest.reason(s, "ImagePinned")));
        assertThat(UnikernelPodLifecycleTest.message(refused, "ImagePinned")).doesNotContain("wrong");
        assertThat(cluster.podsOf(ns, "private")).isEmpty();
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "private")
                        .containsAll(List.of("Warning:PullSecretNotFound", "Warning:RegistryAuthFailed")));

        client.secrets()
                .inNamespace(ns)
                .resource(dockerSecret("regcred", secured.dockerConfigJson()))
                .update();
        cluster.awaitStatus(
                ns,
                "private",
                "pinned with the fixed secret",
                s -> image.digest().equals(s.getImageDigest()));
        Pod pod = cluster.awaitPod(ns, "private");
        String claim =
                pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName();
        assertThat(client.persistentVolumeClaims()
                        .inNamespace(ns)
                        .withName(claim)
                        .get()
                        .getMetadata()
                        .getAnnotations())
                .containsEntry("unibloc.io/pull-secrets", "regcred");
    }

    @Test
    void aNewImageThatCannotBePinnedLeavesTheRunningGuestAlone() {
        String ns = "keep";
        PushedImage image = Images.push(registry, "demo/keep", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "keep", image.reference(), s -> {}));
        Pod pod = cluster.awaitPod(ns, "keep");
        cluster.editSpec(ns, "keep", s -> s.setImage(registry.hostPort() + "/demo/keep:9.9"));
        UnikernelPodStatus status = cluster.awaitStatus(
                ns,
                "keep",
                "new tag not found",
                s -> "ImageNotFound".equals(UnikernelPodLifecycleTest.reason(s, "ImagePinned")));
        assertThat(status.getPodName()).isEqualTo(pod.getMetadata().getName());
        assertThat(status.getImageDigest())
                .as("no digest for an image that is not pinned")
                .isNull();
        assertThat(cluster.podsOf(ns, "keep"))
                .extracting(p -> p.getMetadata().getUid())
                .containsExactly(pod.getMetadata().getUid());
    }

    private static io.fabric8.kubernetes.api.model.Secret dockerSecret(String name, String json) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(
                        ".dockerconfigjson", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    @Test
    void invalidSpecsFailWithAnActionableMessageAndNoPod() {
        String ns = "invalid";
        Cluster cluster = new Cluster(client);
        String good = registry.hostPort() + "/demo/never:1.0";
        record Case(String name, UnikernelPod ukp, String message) {}
        List<Case> cases = List.of(
                new Case("no-image", ukp(ns, "no-image", null, s -> {}), "spec.image is required"),
                new Case("bad-image", ukp(ns, "bad-image", "Not/An:Image:Ref", s -> {}), "spec.image"),
                new Case(
                        "zero-vcpus",
                        ukp(ns, "zero-vcpus", good, s -> s.setVcpus(0)),
                        "spec.vcpus must be between 1 and 64"),
                new Case(
                        "tiny-memory",
                        ukp(ns, "tiny-memory", good, s -> s.setMemory("16Mi")),
                        "spec.memory must be at least 32Mi"),
                new Case(
                        "bad-file",
                        ukp(
                                ns,
                                "bad-file",
                                good,
                                s -> s.setFiles(List.of(
                                        new FileProjection("relative/path", new KeyRef("cm", "k"), null, null)))),
                        "spec.files[0].path"));
        cases.forEach(c -> cluster.create(c.ukp()));
        for (Case c : cases) {
            UnikernelPodStatus status = cluster.awaitStatus(ns, c.name(), "Failed", s -> s.getPhase() == Phase.Failed);
            Condition ready = status.getConditions().stream()
                    .filter(x -> "Ready".equals(x.getType()))
                    .findFirst()
                    .orElseThrow();
            assertThat(ready.getReason()).as(c.name()).isEqualTo("InvalidSpec");
            assertThat(ready.getMessage()).as(c.name()).contains(c.message());
            assertThat(cluster.podsOf(ns, c.name())).as(c.name()).isEmpty();
            await().atMost(Cluster.TIMEOUT)
                    .until(() -> cluster.eventReasons(ns, c.name()).contains("Warning:InvalidSpec"));
        }
    }

    @Test
    void anImageIndexIsReadForTheConfiguredPlatform() throws Exception {
        String ns = "index";
        TestImage amd64 = TestImage.builder()
                .platform(Platform.LINUX_AMD64)
                .label("io.unibloc.kernel", "/boot/amd64")
                .layer(TestLayer.builder().file("boot/amd64", "x").build())
                .build();
        TestImage arm64 = TestImage.builder()
                .platform(Platform.LINUX_ARM64)
                .label("io.unibloc.kernel", "/boot/arm64")
                .layer(TestLayer.builder().file("boot/arm64", "y").build())
                .build();
        PushedImage pushed = TestIndex.of(amd64, arm64).push(registry, "demo/multi", "1.0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "multi", pushed.reference(), s -> {}));
        Pod pod = cluster.awaitPod(ns, "multi");
        String boot = pod.getSpec().getContainers().get(0).getEnv().get(0).getValue();
        assertThat(new ObjectMapper().readTree(boot).get("kernel").asText()).isEqualTo("/boot/amd64");
        cluster.awaitStatus(
                ns, "multi", "pinned to the index", s -> pushed.digest().equals(s.getImageDigest()));
    }
}
