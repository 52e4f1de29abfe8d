package io.unibloc.csi.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.registry.client.RegistryClient;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.pin.RegistryImagePinner;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.registry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CreateVolume pins tags through a real registry with basic auth, taking credentials from the provisioner secret. */
@EnableKubernetesMockClient(crud = true)
class RegistryPinningIT {
    static KubernetesClient client;
    private static TestRegistry registry;
    private static PushedImage image;
    private static Path dir;
    private static UnixSocketServer server;
    private static UnixSocketChannels.Handle channel;
    private static RegistryClient registryClient;
    private static ControllerGrpc.ControllerBlockingStub controller;
    private static FakeNodePlugin node;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.withBasicAuth("alice", "s3cret");
        image = TestImage.builder()
                .layer(TestLayer.builder().file("hello.txt", "hi\n").build(Compression.GZIP))
                .build()
                .push(registry, "private/app", "2.0");
        dir = Files.createTempDirectory("csi-controller-it");
        registryClient = new RegistryClient(
                RegistryConfig.defaults()
                        .withRetries(2, Duration.ofMillis(100), Duration.ofMillis(300))
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3)),
                new SimpleMeterRegistry());
        server = Main.ControllerComponents.create(
                        client,
                        new RegistryImagePinner(registryClient, Platform.DEFAULT),
                        new SimpleMeterRegistry(),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(3),
                        Clock.systemUTC())
                .serve(dir.resolve("csi.sock"));
        channel = UnixSocketChannels.open(server.socket());
        controller = ControllerGrpc.newBlockingStub(channel.channel());
        node = new FakeNodePlugin(client);
        node.reportStore("node-a", 5L << 30, Instant.now());
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        channel.close();
        server.close();
        registryClient.close();
        registry.close();
        Files.deleteIfExists(dir);
    }

    private static Csi.CreateVolumeRequest.Builder request(String name, String image) {
        return Csi.CreateVolumeRequest.newBuilder()
                .setName(name)
                .addVolumeCapabilities(ControllerServiceTest.RWO)
                .putParameters(CsiNames.PARAM_IMAGE, image);
    }

    @Test
    void tagsArePinnedWithTheProvisionerSecret() {
        Csi.Volume v = controller
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .createVolume(request("pvc-private", image.reference())
                        .putSecrets(".dockerconfigjson", registry.dockerConfigJson())
                        .build())
                .getVolume();
        assertThat(v.getVolumeContextMap().get(CsiNames.CONTEXT_IMAGE))
                .isEqualTo(image.reference() + "@" + image.digest());
        assertThat(client.resources(BlockVolume.class)
                        .withName("pvc-private")
                        .get()
                        .getSpec()
                        .getImage())
                .endsWith("@" + image.digest());
    }

    @Test
    void withoutCredentialsThePrivateRegistryRefuses() {
        assertThatThrownBy(() -> controller
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .createVolume(request("pvc-anon", image.reference()).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).doesNotContain("s3cret");
                });
        assertThat(client.resources(BlockVolume.class).withName("pvc-anon").get())
                .isNull();
    }

    @Test
    void anUnknownTagIsNotFound() {
        assertThatThrownBy(() -> controller
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .createVolume(request("pvc-notag", registry.hostPort() + "/private/app:9.9")
                                .putSecrets(".dockerconfigjson", registry.dockerConfigJson())
                                .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void anUnreachableRegistryIsUnavailableWithinTheCallDeadline() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> controller
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .createVolume(request("pvc-down", "127.0.0.1:1/app:1").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
