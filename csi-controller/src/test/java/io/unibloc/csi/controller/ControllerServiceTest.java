package io.unibloc.csi.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.pin.PinnedImage;
import io.unibloc.registry.ref.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The controller over a real UNIX socket, called as external-provisioner calls it, against fabric8's mock
 * API server; a fake node plugin moves records along. Registry pinning is a stub here (the IT uses a real registry).
 */
class ControllerServiceTest {
    private static MockApi api;
    private static KubernetesClient client;

    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private Path dir;
    private UnixSocketServer server;
    private UnixSocketChannels.Handle channel;
    private ControllerGrpc.ControllerBlockingStub controller;
    private IdentityGrpc.IdentityBlockingStub identity;
    private FakeNodePlugin node;
    private final List<String> pinned = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void api() {
        api = new MockApi();
        client = api.client;
    }

    @AfterAll
    static void apiDown() {
        api.close();
    }

    @BeforeEach
    void start() throws Exception {
        for (BlockVolume v : client.resources(BlockVolume.class).list().getItems()) {
            client.resources(BlockVolume.class)
                    .withName(v.getMetadata().getName())
                    .edit(x -> {
                        x.getMetadata().setFinalizers(List.of());
                        return x;
                    });
        }
        client.resources(BlockVolume.class).delete();
        client.resources(NodeStore.class).delete();
        dir = Files.createTempDirectory("csi-controller-test");
        var components = Main.ControllerComponents.create(
                client,
                (ref, creds) -> {
                    pinned.add(ref.toString());
                    if (ref.repository().contains("missing")) {
                        throw RegistryException.notFound("no such image " + ref);
                    }
                    return new PinnedImage(
                            ref.digest() != null ? ref : ref.withDigest(Digest.parse(DIGEST)), java.util.Map.of());
                },
                new SimpleMeterRegistry(),
                Duration.ofSeconds(2),
                Duration.ofMinutes(3),
                Clock.systemUTC());
        server = components.serve(dir.resolve("csi.sock"));
        channel = UnixSocketChannels.open(server.socket());
        controller = ControllerGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
        identity = IdentityGrpc.newBlockingStub(channel.channel());
        node = new FakeNodePlugin(client);
        node.reportStore("node-a", 10L << 30, Instant.now());
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        channel.close();
        server.close();
        Files.deleteIfExists(dir.resolve("csi.sock"));
        Files.deleteIfExists(dir);
    }

    static Csi.VolumeCapability block(Csi.VolumeCapability.AccessMode.Mode mode) {
        return Csi.VolumeCapability.newBuilder()
                .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode))
                .build();
    }

    static final Csi.VolumeCapability RWO = block(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER);

    static Csi.CreateVolumeRequest.Builder create(String name) {
        return Csi.CreateVolumeRequest.newBuilder()
                .setName(name)
                .addVolumeCapabilities(RWO)
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(32L << 20))
                .putParameters(CsiNames.PARAM_IMAGE, "127.0.0.1:5000/app:1.0");
    }

    static Stream<Arguments> invalidCreateRequests() {
        Csi.VolumeCapability mount = Csi.VolumeCapability.newBuilder()
                .setMount(Csi.VolumeCapability.MountVolume.getDefaultInstance())
                .setAccessMode(RWO.getAccessMode())
                .build();
        return Stream.of(
                Arguments.of("no name", (Consumer<Csi.CreateVolumeRequest.Builder>) b -> b.clearName(), "name"),
                Arguments.of(
                        "no capabilities",
                        (Consumer<Csi.CreateVolumeRequest.Builder>) b -> b.clearVolumeCapabilities(),
                        "volume_capabilities"),
                Arguments.of(
                        "mount access type",
                        (Consumer<Csi.CreateVolumeRequest.Builder>)
                                b -> b.clearVolumeCapabilities().addVolumeCapabilities(mount),
                        "mount"),
                Arguments.of(
                        "multi-node writer",
                        (Consumer<Csi.CreateVolumeRequest.Builder>) b -> b.clearVolumeCapabilities()
                                .addVolumeCapabilities(
                                        block(Csi.VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER)),
                        "MULTI_NODE_MULTI_WRITER"),
                Arguments.of(
                        "no access type",
                        (Consumer<Csi.CreateVolumeRequest.Builder>) b -> b.clearVolumeCapabilities()
                                .addVolumeCapabilities(
                                        Csi.VolumeCapability.newBuilder().setAccessMode(RWO.getAccessMode())),
                        "access type"),
                Arguments.of(
                        "unknown parameter",
                        (Consumer<Csi.CreateVolumeRequest.Builder>) b -> b.putParameters("colour", "blue"),
                        "colour"),
                Arguments.of(
                        "bad image",
                        (Consumer<Csi.CreateVolumeRequest.Builder>)
                                b -> b.putParameters(CsiNames.PARAM_IMAGE, "UPPER/Case:@@"),
                        "parameters.image"),
                Arguments.of(
                        "no image",
                        (Consumer<Csi.CreateVolumeRequest.Builder>) b -> b.removeParameters(CsiNames.PARAM_IMAGE),
                        "parameters.image"),
                Arguments.of(
                        "bad fsType",
                        (Consumer<Csi.CreateVolumeRequest.Builder>) b -> b.putParameters(CsiNames.PARAM_FS_TYPE, "zfs"),
                        "parameters.fsType"),
                Arguments.of(
                        "bad readOnly",
                        (Consumer<Csi.CreateVolumeRequest.Builder>)
                                b -> b.putParameters(CsiNames.PARAM_READ_ONLY, "maybe"),
                        "parameters.readOnly"),
                Arguments.of(
                        "bad write mode",
                        (Consumer<Csi.CreateVolumeRequest.Builder>)
                                b -> b.putParameters(CsiNames.PARAM_WRITE_MODE, "scratch"),
                        "parameters.unibloc.io/write-mode"),
                Arguments.of(
                        "required above limit",
                        (Consumer<Csi.CreateVolumeRequest.Builder>)
                                b -> b.setCapacityRange(Csi.CapacityRange.newBuilder()
                                        .setRequiredBytes(10)
                                        .setLimitBytes(5)),
                        "capacity_range"),
                Arguments.of(
                        "content source",
                        (Consumer<Csi.CreateVolumeRequest.Builder>)
                                b -> b.setVolumeContentSource(Csi.VolumeContentSource.newBuilder()
                                        .setVolume(Csi.VolumeContentSource.VolumeSource.newBuilder()
                                                .setVolumeId("x"))),
                        "volume_content_source"),
                Arguments.of(
                        "malformed pull secret",
                        (Consumer<Csi.CreateVolumeRequest.Builder>) b -> b.putSecrets(".dockerconfigjson", "{not json"),
                        "secrets..dockerconfigjson"),
                Arguments.of(
                        "topology without our key",
                        (Consumer<Csi.CreateVolumeRequest.Builder>)
                                b -> b.setAccessibilityRequirements(Csi.TopologyRequirement.newBuilder()
                                        .addRequisite(Csi.Topology.newBuilder().putSegments("zone", "a"))),
                        "accessibility_requirements"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCreateRequests")
    void createVolumeRejectsInvalidRequests(
            String name, Consumer<Csi.CreateVolumeRequest.Builder> change, String named) {
        Csi.CreateVolumeRequest.Builder request = create("pvc-invalid");
        change.accept(request);
        assertThatThrownBy(() -> controller.createVolume(request.build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(named);
                });
        assertThat(client.resources(BlockVolume.class).list().getItems()).isEmpty();
    }

    @Test
    void createVolumeIsIdempotentByName() {
        List<Csi.Volume> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(controller.createVolume(create("pvc-1234").build()).getVolume());
        }
        assertThat(answers).allSatisfy(v -> assertThat(v).isEqualTo(answers.get(0)));
        Csi.Volume volume = answers.get(0);
        assertThat(volume.getVolumeId()).isEqualTo("pvc-1234");
        assertThat(volume.getCapacityBytes()).isGreaterThanOrEqualTo(32L << 20);
        assertThat(volume.getVolumeContextMap())
                .containsEntry(CsiNames.CONTEXT_IMAGE, "127.0.0.1:5000/app:1.0@" + DIGEST)
                .containsEntry(CsiNames.CONTEXT_FS_TYPE, "ext4")
                .containsEntry(CsiNames.CONTEXT_READ_ONLY, "false");
        assertThat(volume.getAccessibleTopology(0).getSegmentsMap()).containsEntry(CsiNames.TOPOLOGY_KEY, "node-a");
        BlockVolume record =
                client.resources(BlockVolume.class).withName("pvc-1234").get();
        assertThat(record.getSpec().getRequestName()).isEqualTo("pvc-1234");
        assertThat(record.getSpec().getSourceImage()).isEqualTo("127.0.0.1:5000/app:1.0");
        assertThat(record.getMetadata().getLabels()).containsEntry(BlockVolume.NODE_LABEL, "node-a");
        assertThat(record.getMetadata().getFinalizers()).contains(BlockVolume.STORAGE_FINALIZER);
        assertThat(pinned).hasSize(1);
    }

    @Test
    void volumesAreNeverSmallerThanRequiredAndAnImageAboveTheLimitFails() {
        Csi.Volume big = controller
                .createVolume(create("pvc-big")
                        .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes((256L << 20) + 1))
                        .build())
                .getVolume();
        assertThat(big.getCapacityBytes()).isGreaterThanOrEqualTo((256L << 20) + 1);

        // The fake's image is 64 MiB: no size within 48 MiB can hold it.
        assertThatThrownBy(() -> controller.createVolume(create("pvc-capped")
                        .setCapacityRange(Csi.CapacityRange.newBuilder()
                                .setRequiredBytes(32L << 20)
                                .setLimitBytes(48L << 20))
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.OUT_OF_RANGE);
                    assertThat(e.getStatus().getDescription()).contains("limit");
                });
    }

    @Test
    void aNodeThatAnswersWithLessThanRequiredIsAnErrorNotAShortVolume() {
        node.outcome = FakeNodePlugin.Outcome.READY_SHORT;
        assertThatThrownBy(() -> controller.createVolume(create("pvc-short")
                        .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(256L << 20))
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getDescription()).contains("required_bytes");
                });
    }

    @Test
    void requestNamesThatAreNotIdsAreHashedAndStillIdempotent() {
        String name = "Sanity Volume/" + "x".repeat(120);
        Csi.Volume first = controller.createVolume(create(name).build()).getVolume();
        Csi.Volume second = controller.createVolume(create(name).build()).getVolume();
        assertThat(first.getVolumeId()).startsWith("ubv-").hasSize(44).isEqualTo(second.getVolumeId());
    }

    @Test
    void repeatedNameWithDifferentCapacityIsAlreadyExists() {
        controller.createVolume(create("pvc-twice").build());
        assertThatThrownBy(() -> controller.createVolume(create("pvc-twice")
                        .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(64L << 20))
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    }

    @Test
    void concurrentCreatesOfOneNameMakeOneRecord() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Csi.CreateVolumeResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit((Callable<Csi.CreateVolumeResponse>)
                        () -> controller.createVolume(create("pvc-race").build())));
            }
            for (Future<Csi.CreateVolumeResponse> call : calls) {
                assertThat(call.get(20, TimeUnit.SECONDS).getVolume().getVolumeId())
                        .isEqualTo("pvc-race");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.resources(BlockVolume.class).list().getItems()).hasSize(1);
    }

    @Test
    void claimAnnotationOverridesTheImageParameterAndNamesPullSecrets() {
        dockerSecret("apps", "regcred", "127.0.0.1:5000");
        dockerSecret("apps", "other", "other.example:5000");
        client.persistentVolumeClaims()
                .inNamespace("apps")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("web-root")
                        .withNamespace("apps")
                        .addToAnnotations(ClaimAnnotations.IMAGE, "127.0.0.1:5000/web@" + DIGEST.replace("ab", "cd"))
                        .addToAnnotations(ClaimAnnotations.PULL_SECRETS, "regcred, other")
                        .endMetadata()
                        .build())
                .create();
        Csi.Volume volume = controller
                .createVolume(create("pvc-annotated")
                        .putParameters(CsiNames.PARAM_PVC_NAME, "web-root")
                        .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "apps")
                        .build())
                .getVolume();
        assertThat(volume.getVolumeContextMap().get(CsiNames.CONTEXT_IMAGE))
                .isEqualTo("127.0.0.1:5000/web@" + DIGEST.replace("ab", "cd"));
        BlockVolume record =
                client.resources(BlockVolume.class).withName("pvc-annotated").get();
        assertThat(record.getSpec().getPvcNamespace()).isEqualTo("apps");
        assertThat(record.getSpec().getPullSecrets())
                .extracting(s -> s.getNamespace() + "/" + s.getName())
                .containsExactly("apps/regcred", "apps/other");
    }

    @Test
    void badClaimAnnotationIsInvalidArgumentNamingIt() {
        client.persistentVolumeClaims()
                .inNamespace("apps")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("bad")
                        .withNamespace("apps")
                        .addToAnnotations(ClaimAnnotations.IMAGE, "not a reference")
                        .endMetadata()
                        .build())
                .create();
        assertThatThrownBy(() -> controller.createVolume(create("pvc-bad-annotation")
                        .putParameters(CsiNames.PARAM_PVC_NAME, "bad")
                        .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "apps")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .contains(ClaimAnnotations.IMAGE)
                            .contains("apps/bad");
                });
    }

    static void dockerSecret(String namespace, String name, String registry) {
        String auth = Base64.getEncoder().encodeToString("robot:pw".getBytes(StandardCharsets.UTF_8));
        String config = "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}";
        client.secrets()
                .inNamespace(namespace)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .addToStringData(".dockerconfigjson", config)
                        .build())
                .createOr(r -> r.update());
    }

    @Test
    void theStorageClassProvisionerSecretIsRecordedSoThatTheNodePullsWithIt() {
        client.storage()
                .v1()
                .storageClasses()
                .resource(new StorageClassBuilder()
                        .withNewMetadata()
                        .withName("private")
                        .endMetadata()
                        .withProvisioner(CsiNames.DRIVER_NAME)
                        .addToParameters("csi.storage.k8s.io/provisioner-secret-name", "regcred-${pvc.name}")
                        .addToParameters("csi.storage.k8s.io/provisioner-secret-namespace", "${pvc.namespace}")
                        .build())
                .createOr(r -> r.update());
        client.persistentVolumeClaims()
                .inNamespace("team")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("db")
                        .withNamespace("team")
                        .endMetadata()
                        .withNewSpec()
                        .withStorageClassName("private")
                        .endSpec()
                        .build())
                .create();
        controller.createVolume(create("pvc-private")
                .putSecrets(
                        ".dockerconfigjson", "{\"auths\":{\"127.0.0.1:5000\":{\"username\":\"u\",\"password\":\"p\"}}}")
                .putParameters(CsiNames.PARAM_PVC_NAME, "db")
                .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "team")
                .build());
        BlockVolume record =
                client.resources(BlockVolume.class).withName("pvc-private").get();
        assertThat(record.getSpec().getProvisionerSecret()).isNotNull();
        assertThat(record.getSpec().getProvisionerSecret().getNamespace() + "/"
                        + record.getSpec().getProvisionerSecret().getName())
                .isEqualTo("team/regcred-db");
    }

    @Test
    void aClaimNamingAMissingPullSecretFailsNamingIt() {
        client.persistentVolumeClaims()
                .inNamespace("apps")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("typo")
                        .withNamespace("apps")
                        .addToAnnotations(ClaimAnnotations.PULL_SECRETS, "regcrd")
                        .endMetadata()
                        .build())
                .create();
        assertThatThrownBy(() -> controller.createVolume(create("pvc-typo")
                        .putParameters(CsiNames.PARAM_PVC_NAME, "typo")
                        .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "apps")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("apps/regcrd");
                });
        assertThat(client.resources(BlockVolume.class).withName("pvc-typo").get())
                .isNull();
    }

    @Test
    void claimAnnotationsChooseTheFilesystemAndReadOnlyOfThatClaim() {
        client.persistentVolumeClaims()
                .inNamespace("apps")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("fat-root")
                        .withNamespace("apps")
                        .addToAnnotations(ClaimAnnotations.FS_TYPE, "vfat")
                        .addToAnnotations(ClaimAnnotations.READ_ONLY, "true")
                        .endMetadata()
                        .build())
                .create();
        Csi.Volume volume = controller
                .createVolume(create("pvc-fat")
                        .putParameters(CsiNames.PARAM_PVC_NAME, "fat-root")
                        .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "apps")
                        .build())
                .getVolume();
        assertThat(volume.getVolumeContextMap())
                .containsEntry(CsiNames.CONTEXT_FS_TYPE, "vfat")
                .containsEntry(CsiNames.CONTEXT_READ_ONLY, "true");
        BlockVolume record =
                client.resources(BlockVolume.class).withName("pvc-fat").get();
        assertThat(record.getSpec().getFsType()).isEqualTo("vfat");
        assertThat(record.getSpec().isReadOnly()).isTrue();
    }

    @Test
    void writeModeComesFromTheClassParameterOrTheClaimAnnotationAndARepeatInAnotherModeIsAlreadyExists() {
        Csi.Volume fromClass = controller
                .createVolume(create("pvc-eph")
                        .putParameters(CsiNames.PARAM_WRITE_MODE, "Ephemeral")
                        .build())
                .getVolume();
        assertThat(fromClass.getVolumeContextMap()).containsEntry(CsiNames.CONTEXT_WRITE_MODE, "ephemeral");
        assertThat(client.resources(BlockVolume.class)
                        .withName("pvc-eph")
                        .get()
                        .getSpec()
                        .getWriteMode())
                .isEqualTo("ephemeral");
        // the same name again in the other mode is another volume: ALREADY_EXISTS naming the mode it has
        assertThatThrownBy(() -> controller.createVolume(create("pvc-eph")
                        .putParameters(CsiNames.PARAM_WRITE_MODE, "persistent")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                    assertThat(e.getStatus().getDescription()).contains("writeMode ephemeral");
                });
        assertThat(controller
                        .createVolume(create("pvc-eph")
                                .putParameters(CsiNames.PARAM_WRITE_MODE, "ephemeral")
                                .build())
                        .getVolume())
                .isEqualTo(fromClass);

        client.persistentVolumeClaims()
                .inNamespace("apps")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("scratch-root")
                        .withNamespace("apps")
                        .addToAnnotations(ClaimAnnotations.WRITE_MODE, "ephemeral")
                        .endMetadata()
                        .build())
                .create();
        controller.createVolume(create("pvc-claim-eph")
                .putParameters(CsiNames.PARAM_WRITE_MODE, "persistent")
                .putParameters(CsiNames.PARAM_PVC_NAME, "scratch-root")
                .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "apps")
                .build());
        assertThat(client.resources(BlockVolume.class)
                        .withName("pvc-claim-eph")
                        .get()
                        .getSpec()
                        .getWriteMode())
                .isEqualTo("ephemeral");
    }

    /** Issue 19: density by default. Neither class nor claim says: ephemeral. */
    @Test
    void aVolumeWhoseClassAndClaimDoNotSayIsEphemeral() {
        Csi.Volume volume =
                controller.createVolume(create("pvc-default").build()).getVolume();
        assertThat(volume.getVolumeContextMap()).containsEntry(CsiNames.CONTEXT_WRITE_MODE, "ephemeral");
        assertThat(client.resources(BlockVolume.class)
                        .withName("pvc-default")
                        .get()
                        .getSpec()
                        .getWriteMode())
                .isEqualTo("ephemeral");
        client.persistentVolumeClaims()
                .inNamespace("apps")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("keeper-root")
                        .withNamespace("apps")
                        .addToAnnotations(ClaimAnnotations.WRITE_MODE, "persistent")
                        .endMetadata()
                        .build())
                .create();
        controller.createVolume(create("pvc-keeper")
                .putParameters(CsiNames.PARAM_PVC_NAME, "keeper-root")
                .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "apps")
                .build());
        assertThat(client.resources(BlockVolume.class)
                        .withName("pvc-keeper")
                        .get()
                        .getSpec()
                        .getWriteMode())
                .as("the claim's annotation wins over the default")
                .isEqualTo("persistent");
    }

    /**
     * The chart's storageClass.writeMode reaches claims through --default-write-mode, never a class parameter:
     * claim annotation > class parameter (hand-written or older classes) > the flag.
     */
    @Test
    void theControllersDefaultAppliesOnlyWhenNeitherClaimNorClassSays() throws Exception {
        client.persistentVolumeClaims()
                .inNamespace("apps")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("says-ephemeral")
                        .withNamespace("apps")
                        .addToAnnotations(ClaimAnnotations.WRITE_MODE, "ephemeral")
                        .endMetadata()
                        .build())
                .create();
        var components = Main.ControllerComponents.create(
                client,
                (ref, creds) -> new PinnedImage(ref.withDigest(Digest.parse(DIGEST)), java.util.Map.of()),
                new SimpleMeterRegistry(),
                Duration.ofSeconds(2),
                Duration.ofMinutes(3),
                io.unibloc.types.WriteMode.PERSISTENT,
                Clock.systemUTC());
        try (UnixSocketServer persistentServer = components.serve(dir.resolve("persistent.sock"));
                UnixSocketChannels.Handle handle = UnixSocketChannels.open(persistentServer.socket())) {
            var persistentDefault =
                    ControllerGrpc.newBlockingStub(handle.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
            persistentDefault.createVolume(create("pvc-flag").build());
            persistentDefault.createVolume(create("pvc-class")
                    .putParameters(CsiNames.PARAM_WRITE_MODE, "ephemeral")
                    .build());
            persistentDefault.createVolume(create("pvc-claim")
                    .putParameters(CsiNames.PARAM_WRITE_MODE, "persistent")
                    .putParameters(CsiNames.PARAM_PVC_NAME, "says-ephemeral")
                    .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "apps")
                    .build());
        } finally {
            Files.deleteIfExists(dir.resolve("persistent.sock"));
        }

        assertThat(recordedWriteMode("pvc-flag")).as("neither says: the flag").isEqualTo("persistent");
        assertThat(recordedWriteMode("pvc-class"))
                .as("the class wins over the flag")
                .isEqualTo("ephemeral");
        assertThat(recordedWriteMode("pvc-claim"))
                .as("the claim wins over the class")
                .isEqualTo("ephemeral");
    }

    private static String recordedWriteMode(String volume) {
        return client.resources(BlockVolume.class)
                .withName(volume)
                .get()
                .getSpec()
                .getWriteMode();
    }

    /**
     * Upgrades: a volume recorded under the old default (persistent, before issue 19) is answered as it is when
     * external-provisioner repeats a CreateVolume that does not say, never ALREADY_EXISTS and never flipped.
     */
    @Test
    void aRepeatThatDoesNotSayKeepsTheRecordedMode() {
        Csi.Volume first = controller
                .createVolume(create("pvc-old")
                        .putParameters(CsiNames.PARAM_WRITE_MODE, "persistent")
                        .build())
                .getVolume();
        Csi.Volume repeat = controller.createVolume(create("pvc-old").build()).getVolume();
        assertThat(repeat).isEqualTo(first);
        assertThat(repeat.getVolumeContextMap()).containsEntry(CsiNames.CONTEXT_WRITE_MODE, "persistent");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"unibloc.io/fs-type, zfs", "unibloc.io/read-only, yes", "unibloc.io/write-mode, shared"})
    void badFilesystemOrReadOnlyAnnotationIsInvalidArgumentNamingIt(String annotation, String value) {
        String claim =
                annotation.endsWith("fs-type") ? "odd-fs" : annotation.endsWith("read-only") ? "odd-ro" : "odd-wm";
        client.persistentVolumeClaims()
                .inNamespace("apps")
                .resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName(claim)
                        .withNamespace("apps")
                        .addToAnnotations(annotation, value)
                        .endMetadata()
                        .build())
                .create();
        assertThatThrownBy(() -> controller.createVolume(create("pvc-" + claim)
                        .putParameters(CsiNames.PARAM_PVC_NAME, claim)
                        .putParameters(CsiNames.PARAM_PVC_NAMESPACE, "apps")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .contains(annotation)
                            .contains("apps/" + claim)
                            .contains(value);
                });
    }

    @Test
    void preferredTopologyWinsOverFreeSpace() {
        node.reportStore("node-b", 1L << 30, Instant.now());
        Csi.Volume volume = controller
                .createVolume(create("pvc-topo")
                        .setAccessibilityRequirements(Csi.TopologyRequirement.newBuilder()
                                .addRequisite(segment("node-a"))
                                .addRequisite(segment("node-b"))
                                .addPreferred(segment("node-b"))
                                .addPreferred(segment("node-a")))
                        .build())
                .getVolume();
        assertThat(volume.getAccessibleTopology(0).getSegmentsMap()).containsEntry(CsiNames.TOPOLOGY_KEY, "node-b");
    }

    @Test
    void withoutRequirementsTheNodeWithMostFreeFreshStoreIsChosen() {
        node.reportStore("node-b", 20L << 30, Instant.now().minus(Duration.ofHours(1)));
        node.reportStore("node-c", 5L << 30, Instant.now());
        Csi.Volume volume = controller.createVolume(create("pvc-free").build()).getVolume();
        assertThat(volume.getAccessibleTopology(0).getSegmentsMap()).containsEntry(CsiNames.TOPOLOGY_KEY, "node-a");
    }

    @Test
    void noNodeWithAStoreIsResourceExhausted() {
        client.resources(NodeStore.class).delete();
        assertThatThrownBy(() -> controller.createVolume(create("pvc-nowhere").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void whileTheNodePreparesTheAnswerIsAbortedAndLaterTheVolume() {
        node.outcome = FakeNodePlugin.Outcome.STAY_PREPARING;
        long start = System.nanoTime();
        assertThatThrownBy(() -> controller.createVolume(create("pvc-slow").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                    assertThat(e.getStatus().getDescription())
                            .contains("pvc-slow")
                            .contains("node-a");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        node.outcome = FakeNodePlugin.Outcome.READY;
        assertThat(controller
                        .createVolume(create("pvc-slow").build())
                        .getVolume()
                        .getVolumeId())
                .isEqualTo("pvc-slow");
    }

    @Test
    void theCallDeadlineBoundsTheWait() {
        node.outcome = FakeNodePlugin.Outcome.STAY_PREPARING;
        long start = System.nanoTime();
        assertThatThrownBy(() -> controller
                        .withDeadlineAfter(1200, TimeUnit.MILLISECONDS)
                        .createVolume(create("pvc-deadline").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1200));
    }

    @Test
    void aFailedRecordIsAFinalErrorWithTheNodesMessageAndIsRemoved() {
        node.outcome = FakeNodePlugin.Outcome.FAIL_NOT_FOUND;
        assertThatThrownBy(() -> controller.createVolume(create("pvc-fails").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription())
                            .contains("not found in registry")
                            .contains("node-a");
                });
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> client.resources(BlockVolume.class)
                                .withName("pvc-fails")
                                .get()
                        == null);
    }

    @Test
    void pinningErrorsKeepTheirCode() {
        assertThatThrownBy(() -> controller.createVolume(create("pvc-missing")
                        .putParameters(CsiNames.PARAM_IMAGE, "127.0.0.1:5000/missing:1")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("missing");
                });
    }

    @Test
    void deleteVolumeIsIdempotentAndAcceptsUnknownAndHostileIds() {
        controller.createVolume(create("pvc-del").build());
        for (String id :
                List.of("pvc-del", "pvc-del", "pvc-del", "never-existed", "../../etc/passwd", "x".repeat(300))) {
            assertThat(controller.deleteVolume(
                            Csi.DeleteVolumeRequest.newBuilder().setVolumeId(id).build()))
                    .isNotNull();
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        client.resources(BlockVolume.class).withName("pvc-del").get() == null);
        assertThatThrownBy(() -> controller.deleteVolume(Csi.DeleteVolumeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void validateVolumeCapabilitiesConfirmsBlockOnly() {
        String id = controller
                .createVolume(create("pvc-validate").build())
                .getVolume()
                .getVolumeId();
        var confirmed = controller.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId(id)
                .addVolumeCapabilities(RWO)
                .build());
        assertThat(confirmed.getConfirmed().getVolumeCapabilitiesList()).containsExactly(RWO);
        var refused = controller.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId(id)
                .addVolumeCapabilities(Csi.VolumeCapability.newBuilder()
                        .setMount(Csi.VolumeCapability.MountVolume.getDefaultInstance())
                        .setAccessMode(RWO.getAccessMode()))
                .build());
        assertThat(refused.hasConfirmed()).isFalse();
        assertThat(refused.getMessage()).contains("mount");
        assertCode(
                Status.Code.NOT_FOUND,
                () -> controller.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
                        .setVolumeId("pvc-unknown")
                        .addVolumeCapabilities(RWO)
                        .build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> controller.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
                        .setVolumeId(id)
                        .build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> controller.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
                        .addVolumeCapabilities(RWO)
                        .build()));
    }

    @Test
    void listVolumesPagesWithTokensAndRejectsForeignTokens() {
        for (String name : List.of("pvc-c", "pvc-a", "pvc-b", "pvc-d")) {
            controller.createVolume(create(name).build());
        }
        var first = controller.listVolumes(
                Csi.ListVolumesRequest.newBuilder().setMaxEntries(3).build());
        assertThat(first.getEntriesList())
                .extracting(e -> e.getVolume().getVolumeId())
                .containsExactly("pvc-a", "pvc-b", "pvc-c");
        var second = controller.listVolumes(Csi.ListVolumesRequest.newBuilder()
                .setStartingToken(first.getNextToken())
                .build());
        assertThat(second.getEntriesList())
                .extracting(e -> e.getVolume().getVolumeId())
                .containsExactly("pvc-d");
        assertThat(second.getNextToken()).isEmpty();
        controller.deleteVolume(
                Csi.DeleteVolumeRequest.newBuilder().setVolumeId("pvc-b").build());
        var all = controller.listVolumes(Csi.ListVolumesRequest.getDefaultInstance());
        assertThat(all.getEntriesList())
                .extracting(e -> e.getVolume().getVolumeId())
                .doesNotContain("pvc-b");
        assertCode(
                Status.Code.ABORTED,
                () -> controller.listVolumes(Csi.ListVolumesRequest.newBuilder()
                        .setStartingToken("invalid-token")
                        .build()));
    }

    @Test
    void getCapacityPerNodeSegment() {
        node.reportStore("node-b", 3L << 30, Instant.now());
        node.reportStore("node-old", 50L << 30, Instant.now().minus(Duration.ofHours(2)));
        assertThat(capacity(segment("node-b")).getAvailableCapacity()).isEqualTo(3L << 30);
        assertThat(capacity(segment("node-old")).getAvailableCapacity()).isZero();
        assertThat(capacity(segment("node-none")).getAvailableCapacity()).isZero();
        var total = controller.getCapacity(Csi.GetCapacityRequest.getDefaultInstance());
        assertThat(total.getAvailableCapacity()).isEqualTo((10L << 30) + (3L << 30));
        assertThat(total.getMaximumVolumeSize().getValue()).isEqualTo(10L << 30);
        // external-provisioner's capacity poll: a mount capability with mode UNKNOWN and the class's raw parameters.
        var poll = controller.getCapacity(Csi.GetCapacityRequest.newBuilder()
                .addVolumeCapabilities(Csi.VolumeCapability.newBuilder()
                        .setMount(Csi.VolumeCapability.MountVolume.getDefaultInstance())
                        .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                                .setMode(Csi.VolumeCapability.AccessMode.Mode.UNKNOWN)))
                .putParameters("csi.storage.k8s.io/provisioner-secret-name", "regcred")
                .setAccessibleTopology(segment("node-b"))
                .build());
        assertThat(poll.getAvailableCapacity()).isEqualTo(3L << 30);
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> controller.getCapacity(Csi.GetCapacityRequest.newBuilder()
                        .putParameters("bogus", "1")
                        .build()));
    }

    @Test
    void capabilitiesIdentityAndUnimplementedRpcs() {
        assertThat(controller
                        .controllerGetCapabilities(Csi.ControllerGetCapabilitiesRequest.getDefaultInstance())
                        .getCapabilitiesList())
                .extracting(c -> c.getRpc().getType())
                .containsExactlyInAnyOrder(
                        Csi.ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME,
                        Csi.ControllerServiceCapability.RPC.Type.LIST_VOLUMES,
                        Csi.ControllerServiceCapability.RPC.Type.GET_CAPACITY);
        assertThat(identity.getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance())
                        .getName())
                .isEqualTo("block.unibloc.io");
        assertThat(identity.getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                        .getCapabilitiesList())
                .extracting(c -> c.getService().getType())
                .containsExactlyInAnyOrder(
                        Csi.PluginCapability.Service.Type.CONTROLLER_SERVICE,
                        Csi.PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS);
        assertThat(identity.probe(Csi.ProbeRequest.getDefaultInstance())
                        .getReady()
                        .getValue())
                .isTrue();
        assertCode(
                Status.Code.UNIMPLEMENTED,
                () -> controller.controllerPublishVolume(Csi.ControllerPublishVolumeRequest.getDefaultInstance()));
        assertCode(
                Status.Code.UNIMPLEMENTED,
                () -> controller.createSnapshot(Csi.CreateSnapshotRequest.getDefaultInstance()));
        assertCode(
                Status.Code.UNIMPLEMENTED,
                () -> controller.controllerExpandVolume(Csi.ControllerExpandVolumeRequest.getDefaultInstance()));
    }

    private Csi.GetCapacityResponse capacity(Csi.Topology topology) {
        return controller.getCapacity(Csi.GetCapacityRequest.newBuilder()
                .addVolumeCapabilities(RWO)
                .setAccessibleTopology(topology)
                .build());
    }

    static Csi.Topology segment(String node) {
        return Csi.Topology.newBuilder()
                .putSegments(CsiNames.TOPOLOGY_KEY, node)
                .build();
    }

    static void assertCode(Status.Code code, Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode())
                                .as(e.getStatus().toString())
                                .isEqualTo(code));
    }
}
