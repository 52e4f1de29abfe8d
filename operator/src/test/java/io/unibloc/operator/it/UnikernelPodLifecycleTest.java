package io.unibloc.operator.it;

import static io.unibloc.operator.it.Cluster.condition;
import static io.unibloc.operator.it.Cluster.exited;
import static io.unibloc.operator.it.Cluster.running;
import static io.unibloc.operator.it.Cluster.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.KeyRef;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.api.v1alpha1.pod.RestartPolicy;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.registry.TestRegistry;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A UnikernelPod from creation to the end of its guest, pinned against a real registry. */
@QuarkusTest
@TestProfile(OperatorTestProfile.class)
@WithTestResource(StrictApi.class)
class UnikernelPodLifecycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestRegistry registry;

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @TestHTTPResource("/q/health")
    URL health;

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

    private static UnikernelPod ukp(String namespace, String name, String image) {
        UnikernelPod ukp = new UnikernelPod();
        ukp.getMetadata().setName(name);
        ukp.getMetadata().setNamespace(namespace);
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage(image);
        ukp.setSpec(spec);
        return ukp;
    }

    @Test
    void createdPodHasEveryFieldTheSpecAsksFor() throws Exception {
        String ns = "shape";
        PushedImage image = Images.push(registry, "demo/shape", "1.0", "console=ttyS0 app=shape");
        client.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("app-config")
                        .endMetadata()
                        .addToData("app.conf", "port=8080")
                        .build())
                .create();
        UnikernelPod ukp = ukp(ns, "web", image.reference());
        UnikernelPodSpec spec = ukp.getSpec();
        spec.setArgs(List.of("--port", "8080"));
        spec.setEnv(Map.of("MODE", "test"));
        spec.setVcpus(2);
        spec.setMemory("512Mi");
        spec.setRootfs(new Rootfs("2Gi", FsType.EXT2, false));
        spec.setRestartPolicy(RestartPolicy.Never);
        spec.setNodeSelector(Map.of("unibloc.io/kvm", "true"));
        spec.setTolerations(List.of(new Toleration("NoSchedule", "dedicated", "Equal", null, "vm")));
        spec.setFiles(List.of(new FileProjection("/etc/app.conf", new KeyRef("app-config", "app.conf"), null, 0600)));
        Cluster cluster = new Cluster(client);
        UnikernelPod created = cluster.create(ukp);

        Pod pod = cluster.awaitPod(ns, "web");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        assertThat(pod.getSpec().getRuntimeClassName()).isEqualTo("unibloc-kvm");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("unibloc.io/kvm", "true");
        assertThat(pod.getSpec().getTolerations()).hasSize(1);
        // The root claim exists before the Pod, named by it and controlled by the UnikernelPod.
        String claimName =
                pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName();
        var claim = client.persistentVolumeClaims()
                .inNamespace(ns)
                .withName(claimName)
                .get();
        assertThat(claim.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        String pinned = registry.hostPort() + "/demo/shape@" + image.digest();
        assertThat(claim.getMetadata().getAnnotations())
                .containsEntry("unibloc.io/image", pinned)
                .containsEntry("unibloc.io/fs-type", "ext2")
                .as("issue 19: no writeMode, files and all, is an ephemeral root; the files go into its overlay")
                .containsEntry("unibloc.io/write-mode", "ephemeral");
        assertThat(claim.getSpec().getVolumeMode()).isEqualTo("Block");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("unibloc");
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("2Gi"));

        Container sandbox = pod.getSpec().getContainers().get(0);
        assertThat(sandbox.getImage()).isEqualTo("unibloc/sandbox:0.1.0");
        assertThat(sandbox.getVolumeDevices().get(0).getDevicePath()).isEqualTo("/dev/unibloc-root");
        assertThat(sandbox.getVolumeMounts())
                .extracting(m -> m.getMountPath())
                .containsSubsequence("/scratch", "/run/unibloc/files/0");
        assertThat(sandbox.getEnv())
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue())
                        .isEqualTo("UNIBLOC_ROOT_OVERLAY=/scratch/root.qcow2"));
        assertThat(sandbox.getResources().getLimits())
                .as("guest 512Mi + the default vmm-overhead 192Mi")
                .containsEntry("memory", new Quantity("704Mi"))
                .containsEntry("unibloc.io/kvm", new Quantity("1"));
        assertThat(sandbox.getSecurityContext().getPrivileged()).isFalse();
        JsonNode boot = JSON.readTree(sandbox.getEnv().get(0).getValue());
        assertThat(boot.get("kernel").asText())
                .as("from the image's label, read from the registry")
                .isEqualTo("/boot/kernel");
        assertThat(boot.get("cmdline").asText()).isEqualTo("console=ttyS0 app=shape");
        assertThat(boot.get("guest").asText()).isEqualTo("unikraft");
        assertThat(boot.get("vcpus").asInt()).isEqualTo(2);
        assertThat(boot.get("memoryMiB").asInt()).isEqualTo(512);
        assertThat(boot.get("env").get("MODE").asText()).isEqualTo("test");
        assertThat(boot.get("files").get(0).get("source").asText()).isEqualTo("/run/unibloc/files/0/app.conf");
        assertThat(boot.get("files").get(0).get("mode").asInt()).isEqualTo(0600);

        UnikernelPodStatus status = cluster.awaitStatus(
                ns, "web", "pinned and Preparing", s -> s.getPhase() == Phase.Preparing && s.getPodName() != null);
        assertThat(status.getImageDigest()).isEqualTo(image.digest());
        assertThat(status.getShortDigest()).isEqualTo(image.digest().substring(7, 19));
        assertThat(status.getPinnedImage()).isEqualTo(registry.hostPort() + "/demo/shape:1.0@" + image.digest());
        assertThat(status.getPodName()).isEqualTo(pod.getMetadata().getName());
        assertThat(status.getWriteMode()).isEqualTo(WriteMode.EPHEMERAL);
        assertThat(status.getObservedGeneration())
                .isEqualTo(created.getMetadata().getGeneration());
        assertThat(status.getTimings().getPinMillis()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(status.getConditions())
                .extracting(Condition::getType)
                .containsExactly(
                        "ImagePinned", "VolumeReady", "Scheduled", "SandboxStarted", "Network", "Booted", "Ready");
        // The normal path is in status, not in Events (issue 17: requests per UnikernelPod).
        assertThat(cluster.eventReasons(ns, "web")).isEmpty();
    }

    /** Issue 19: without spec.rootfs.writeMode the root shares the image's page cache, and status says so. */
    @Test
    void withoutAWriteModeTheRootClaimIsEphemeralAndTheGuestBootsThroughAnOverlay() {
        String ns = "dense";
        PushedImage image = Images.push(registry, "demo/dense", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "shared", image.reference()));

        Pod pod = cluster.awaitPod(ns, "shared");
        String claimName =
                pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName();
        var claim = client.persistentVolumeClaims()
                .inNamespace(ns)
                .withName(claimName)
                .get();
        assertThat(claim.getMetadata().getAnnotations()).containsEntry("unibloc.io/write-mode", "ephemeral");
        Container sandbox = pod.getSpec().getContainers().get(0);
        assertThat(sandbox.getEnv())
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue())
                        .isEqualTo("UNIBLOC_ROOT_OVERLAY=/scratch/root.qcow2"));
        assertThat(pod.getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getName()).isEqualTo("scratch"));
        cluster.awaitStatus(ns, "shared", "the write mode in status", s -> s.getWriteMode() == WriteMode.EPHEMERAL);
    }

    /**
     * A UnikernelPod whose Pod was made persistent (by an operator before the default changed: here its recorded mode
     * is set so) and whose spec has no writeMode keeps a persistent root when that Pod ends and is replaced under
     * restartPolicy Always: the same spec must not lose its guest's root writes to a new default.
     */
    @Test
    void aReplacedPodKeepsThePersistentModeItsUnikernelPodHad() {
        String ns = "kept";
        PushedImage image = Images.push(registry, "demo/kept", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "keeper", image.reference()));
        Pod pod = cluster.awaitPod(ns, "keeper");
        pod = client.pods()
                .inNamespace(ns)
                .withName(pod.getMetadata().getName())
                .edit(p -> {
                    p.getMetadata().getAnnotations().put("unibloc.io/write-mode", "persistent");
                    return p;
                });
        cluster.awaitStatus(ns, "keeper", "persistent in status", s -> s.getWriteMode() == WriteMode.PERSISTENT);

        cluster.provisionClaim(pod, "Bound");
        pod = cluster.schedule(pod, "node-1");
        cluster.status(pod, "Failed", List.of(condition("PodScheduled", "True")), exited(3));
        String oldUid = pod.getMetadata().getUid();
        await().atMost(Cluster.TIMEOUT).until(() -> {
            List<Pod> pods = cluster.podsOf(ns, "keeper");
            return pods.size() == 1 && !pods.get(0).getMetadata().getUid().equals(oldUid);
        });

        Pod replacement = cluster.podsOf(ns, "keeper").get(0);
        assertThat(replacement.getMetadata().getAnnotations()).containsEntry("unibloc.io/write-mode", "persistent");
        String claimName = replacement
                .getSpec()
                .getVolumes()
                .get(0)
                .getPersistentVolumeClaim()
                .getClaimName();
        await().atMost(Cluster.TIMEOUT)
                .untilAsserted(() -> assertThat(client.persistentVolumeClaims()
                                .inNamespace(ns)
                                .withName(claimName)
                                .get()
                                .getMetadata()
                                .getAnnotations())
                        .containsEntry("unibloc.io/write-mode", "persistent"));
        assertThat(replacement.getSpec().getContainers().get(0).getEnv())
                .noneSatisfy(e -> assertThat(e.getName()).isEqualTo("UNIBLOC_ROOT_OVERLAY"));
    }

    /**
     * urunc boots the root device itself and cannot boot the sandbox's qcow2 overlay: under a RuntimeClass whose
     * handler is urunc (named otherwise than the chart's, so the handler decides), an unset writeMode is persistent,
     * and an explicit ephemeral on a writable root is refused saying why.
     */
    @Test
    void underUruncAnUnsetWriteModeIsPersistentAndAnExplicitEphemeralIsRefused() {
        String ns = "urunc";
        PushedImage image = Images.push(registry, "demo/urunc", "1.0", "console=ttyS0");
        client.resource(new RuntimeClassBuilder()
                        .withNewMetadata()
                        .withName("corp-unikernels")
                        .endMetadata()
                        .withHandler("urunc")
                        .build())
                .create();
        Cluster cluster = new Cluster(client);
        UnikernelPod unset = ukp(ns, "unset", image.reference());
        unset.getSpec().setRuntimeClassName("corp-unikernels");
        cluster.create(unset);

        Pod pod = cluster.awaitPod(ns, "unset");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("unibloc.io/write-mode", "persistent");
        String claimName =
                pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName();
        assertThat(client.persistentVolumeClaims()
                        .inNamespace(ns)
                        .withName(claimName)
                        .get()
                        .getMetadata()
                        .getAnnotations())
                .containsEntry("unibloc.io/write-mode", "persistent");
        assertThat(pod.getSpec().getContainers().get(0).getEnv())
                .noneSatisfy(e -> assertThat(e.getName()).isEqualTo("UNIBLOC_ROOT_OVERLAY"));

        UnikernelPod explicit = ukp(ns, "explicit", image.reference());
        explicit.getSpec().setRuntimeClassName("corp-unikernels");
        Rootfs rootfs = new Rootfs();
        rootfs.setWriteMode(WriteMode.EPHEMERAL);
        explicit.getSpec().setRootfs(rootfs);
        cluster.create(explicit);
        UnikernelPodStatus refused =
                cluster.awaitStatus(ns, "explicit", "InvalidSpec", s -> "InvalidSpec".equals(reason(s, "Ready")));
        assertThat(refused.getPhase()).isEqualTo(Phase.Failed);
        assertThat(message(refused, "Ready"))
                .contains("spec.rootfs.writeMode: ephemeral")
                .contains("corp-unikernels")
                .contains("urunc")
                .contains("persistent");
        assertThat(cluster.podsOf(ns, "explicit")).isEmpty();
    }

    @Test
    void statusFollowsThePodThroughEveryPhase() {
        String ns = "phases";
        PushedImage image = Images.push(registry, "demo/phases", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        UnikernelPod guest = ukp(ns, "guest", image.reference());
        // A guest that ends stays ended only without restarts; with Always the Pod would be replaced.
        guest.getSpec().setRestartPolicy(RestartPolicy.Never);
        cluster.create(guest);
        Pod pod = cluster.awaitPod(ns, "guest");
        cluster.awaitStatus(
                ns,
                "guest",
                "Preparing, the claim created before the Pod",
                s -> s.getPhase() == Phase.Preparing && reason(s, "VolumeReady").equals("ClaimPending"));

        cluster.provisionClaim(pod, "Pending");
        cluster.awaitStatus(
                ns, "guest", "claim pending", s -> reason(s, "VolumeReady").equals("ClaimPending"));

        cluster.status(pod, "Pending", List.of(condition("PodScheduled", "False")), null);
        cluster.provisionClaim(pod, "Bound");
        pod = cluster.schedule(pod, "node-1");
        cluster.status(pod, "Pending", List.of(condition("PodScheduled", "True")), waiting("ContainerCreating"));
        // Booting is written at once; the container's progress within it follows within the status pacing (1 s).
        UnikernelPodStatus booting = cluster.awaitStatus(
                ns,
                "guest",
                "Booting, container creating",
                s -> s.getPhase() == Phase.Booting
                        && reason(s, "SandboxStarted").equals("ContainerCreating"));
        assertThat(booting.getNodeName()).isEqualTo("node-1");
        assertThat(booting.getTimings().getVolumeMillis()).isNotNull();

        cluster.status(
                pod,
                "Running",
                List.of(condition("PodScheduled", "True"), condition("Ready", "False")),
                waiting("CrashLoopBackOff"));
        cluster.awaitStatus(
                ns,
                "guest",
                "crash loop shown",
                s -> reason(s, "SandboxStarted").equals("CrashLoopBackOff") && s.getPhase() == Phase.CrashLoopBackOff);
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "guest").contains("Warning:CrashLoopBackOff"));

        cluster.status(
                pod, "Running", List.of(condition("PodScheduled", "True"), condition("Ready", "True")), running(true));
        UnikernelPodStatus runningStatus =
                cluster.awaitStatus(ns, "guest", "Running", s -> s.getPhase() == Phase.Running);
        assertThat(runningStatus.getConditions())
                .allSatisfy(c -> assertThat(c.getStatus()).as(c.getType()).isEqualTo("True"));
        assertThat(runningStatus.getTimings().getBootMillis()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(runningStatus.getReady()).isEqualTo("1/1");

        cluster.status(
                pod, "Succeeded", List.of(condition("PodScheduled", "True"), condition("Ready", "False")), exited(0));
        UnikernelPodStatus done = cluster.awaitStatus(ns, "guest", "Completed", s -> s.getPhase() == Phase.Completed);
        assertThat(reason(done, "Ready")).isEqualTo("Completed");
        assertThat(done.getReady()).isEqualTo("0/1");
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "guest").contains("Normal:Completed"));
        // Progress is in the conditions, not one Event per step (issue 17: requests per UnikernelPod).
        assertThat(cluster.eventReasons(ns, "guest"))
                .doesNotContain(
                        "Normal:PodCreated",
                        "Normal:ClaimBound",
                        "Normal:Scheduled",
                        "Normal:Started",
                        "Normal:Running");
    }

    @Test
    void aFailedGuestMakesAFailedUnikernelPod() {
        String ns = "failing";
        PushedImage image = Images.push(registry, "demo/failing", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        UnikernelPod crash = ukp(ns, "crash", image.reference());
        crash.getSpec().setRestartPolicy(RestartPolicy.Never);
        cluster.create(crash);
        Pod pod = cluster.awaitPod(ns, "crash");
        cluster.provisionClaim(pod, "Bound");
        pod = cluster.schedule(pod, "node-2");
        cluster.status(pod, "Failed", List.of(condition("PodScheduled", "True")), exited(3));
        UnikernelPodStatus failed = cluster.awaitStatus(ns, "crash", "Failed", s -> s.getPhase() == Phase.Failed);
        assertThat(message(failed, "Ready")).contains("exited with code 3");
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "crash")
                        .containsAll(List.of("Warning:ExitedWithError", "Warning:Failed")));
    }

    @Test
    void runningMeansTheGuestBootedAndABootTimeoutSaysWhy() {
        String ns = "evidence";
        PushedImage image = Images.push(registry, "demo/evidence", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("node-tcg")
                        .addToLabels("unibloc.io/accel", "tcg")
                        .endMetadata()
                        .build())
                .createOr(n -> n.update());
        UnikernelPod guest = ukp(ns, "slow", image.reference());
        guest.getSpec().setRestartPolicy(RestartPolicy.Never);
        guest.getSpec().setBootTimeoutSeconds(30);
        cluster.create(guest);
        Pod pod = cluster.awaitPod(ns, "slow");
        assertThat(pod.getSpec().getContainers().get(0).getEnv().get(0).getValue())
                .contains("\"bootTimeoutSeconds\":30");
        cluster.provisionClaim(pod, "Bound");
        pod = cluster.schedule(pod, "node-tcg");

        // The container runs, but the guest has not written to its console yet: not Running.
        cluster.status(
                pod,
                "Running",
                List.of(condition("PodScheduled", "True"), condition("Ready", "False")),
                running(false));
        UnikernelPodStatus booting = cluster.awaitStatus(
                ns, "slow", "container running, guest booting", s -> "Started".equals(reason(s, "SandboxStarted")));
        assertThat(booting.getPhase()).isEqualTo(Phase.Booting);
        assertThat(reason(booting, "Booted")).isEqualTo("Booting");
        assertThat(booting.getAccelerator()).isNull();

        cluster.status(
                pod, "Running", List.of(condition("PodScheduled", "True"), condition("Ready", "True")), running(true));
        UnikernelPodStatus running = cluster.awaitStatus(ns, "slow", "Running", s -> s.getPhase() == Phase.Running);
        assertThat(reason(running, "Booted")).isEqualTo("FirstConsoleOutput");
        assertThat(running.getAccelerator())
                .as("from the node's unibloc.io/accel label")
                .isEqualTo("tcg");

        String report = "{\"reason\":\"BootTimeout\",\"exitCode\":124,\"accel\":\"kvm\",\"message\":\"boot watchdog:"
                + " no console output within 30000 ms under kvm on machine pc; last console bytes: none\"}";
        cluster.status(
                pod,
                "Failed",
                List.of(condition("PodScheduled", "True"), condition("Ready", "False")),
                new ContainerStatusBuilder(exited(124))
                        .editState()
                        .editTerminated()
                        .withMessage(report)
                        .endTerminated()
                        .endState()
                        .build());
        UnikernelPodStatus failed = cluster.awaitStatus(ns, "slow", "boot timeout", s -> s.getPhase() == Phase.Failed);
        assertThat(reason(failed, "Booted")).isEqualTo("BootTimeout");
        assertThat(message(failed, "Booted")).contains("no console output within 30000 ms under kvm");
        assertThat(reason(failed, "Ready")).isEqualTo("BootTimeout");
        assertThat(failed.getAccelerator()).as("the sandbox's own report wins").isEqualTo("kvm");
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "slow").contains("Warning:BootTimeout"));
        // Progress is recorded in the conditions, not as one Event per step (issue 17: requests per UnikernelPod).
        assertThat(cluster.eventReasons(ns, "slow")).doesNotContain("Normal:FirstConsoleOutput");
    }

    @Test
    void aPodNoNodeTakesForWantOfKvmSaysSoWithEachNodesReason() {
        String ns = "nokvm";
        PushedImage image = Images.push(registry, "demo/nokvm", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        NodeStore store = new NodeStore();
        store.setMetadata(new ObjectMetaBuilder().withName("node-nokvm").build());
        store = client.resources(NodeStore.class).resource(store).createOr(n -> n.update());
        NodeStoreStatus storeStatus = new NodeStoreStatus();
        storeStatus.setConditions(List.of(new ConditionBuilder()
                .withType("KvmUsable")
                .withStatus("False")
                .withReason("ProbeFailed")
                .withMessage("the 64-bit probe guest did not finish within 3000 ms under KVM")
                .withLastTransitionTime("2026-01-01T00:00:00Z")
                .build()));
        store.setStatus(storeStatus);
        client.resources(NodeStore.class).resource(store).updateStatus();

        cluster.create(ukp(ns, "stuck", image.reference()));
        Pod pod = cluster.awaitPod(ns, "stuck");
        cluster.status(
                pod,
                "Pending",
                List.of(new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage("0/1 nodes are available: 1 Insufficient unibloc.io/kvm.")
                        .build()),
                null);
        UnikernelPodStatus stuck =
                cluster.awaitStatus(ns, "stuck", "NoUsableKvm", s -> "NoUsableKvm".equals(reason(s, "Scheduled")));
        assertThat(message(stuck, "Scheduled"))
                .contains("Insufficient unibloc.io/kvm")
                .contains("node-nokvm: ProbeFailed, the 64-bit probe guest did not finish")
                .contains("sandbox.allowSoftwareEmulation=true");
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "stuck").contains("Warning:NoUsableKvm"));
    }

    @Test
    void aSpecChangeReplacesThePodAndANewTagIsPinnedAgain() {
        String ns = "updates";
        PushedImage v1 = Images.push(registry, "demo/updates", "1.0", "console=ttyS0 v=1");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "app", v1.reference()));
        Pod first = cluster.awaitPod(ns, "app");

        cluster.editSpec(ns, "app", spec -> spec.setArgs(List.of("--verbose")));
        await("the Pod of the first spec is replaced").atMost(Cluster.TIMEOUT).until(() -> {
            List<Pod> pods = cluster.podsOf(ns, "app");
            return pods.size() == 1
                    && !pods.get(0)
                            .getMetadata()
                            .getName()
                            .equals(first.getMetadata().getName());
        });
        Pod second = cluster.awaitPod(ns, "app");
        assertThat(second.getSpec().getContainers().get(0).getEnv().get(0).getValue())
                .contains("--verbose");
        cluster.awaitStatus(
                ns,
                "app",
                "points at the new Pod",
                s -> second.getMetadata().getName().equals(s.getPodName()) && s.getObservedGeneration() == 2L);
        await().atMost(Cluster.TIMEOUT)
                .until(() -> cluster.eventReasons(ns, "app").contains("Normal:PodReplaced"));

        PushedImage v2 = Images.push(registry, "demo/updates", "2.0", "console=ttyS0 v=2");
        cluster.editSpec(ns, "app", spec -> spec.setImage(v2.reference()));
        UnikernelPodStatus repinned = cluster.awaitStatus(
                ns,
                "app",
                "pinned to 2.0",
                s -> v2.digest().equals(s.getImageDigest())
                        && s.getPodName() != null
                        && !s.getPodName().equals(second.getMetadata().getName()));
        Pod third = cluster.awaitPod(ns, "app");
        assertThat(third.getMetadata().getName()).isEqualTo(repinned.getPodName());
        assertThat(third.getMetadata().getAnnotations())
                .containsEntry("unibloc.io/image", registry.hostPort() + "/demo/updates@" + v2.digest());
        assertThat(third.getSpec().getContainers().get(0).getEnv().get(0).getValue())
                .contains("v=2");
    }

    @Test
    void aMovedTagDoesNotRestartARunningGuest() {
        String ns = "moved";
        Images.push(registry, "demo/moved", "1.0", "console=ttyS0 first");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "stable", registry.hostPort() + "/demo/moved:1.0"));
        Pod pod = cluster.awaitPod(ns, "stable");
        UnikernelPodStatus before = cluster.awaitStatus(ns, "stable", "pinned", s -> s.getImageDigest() != null);
        Images.push(registry, "demo/moved", "1.0", "console=ttyS0 second");
        // Any event makes the operator reconcile; a Pod status change is one.
        cluster.provisionClaim(pod, "Bound");
        cluster.awaitStatus(ns, "stable", "claim seen", s -> "ClaimBound".equals(reason(s, "VolumeReady")));
        assertThat(cluster.get(ns, "stable").getStatus().getImageDigest()).isEqualTo(before.getImageDigest());
        assertThat(cluster.podsOf(ns, "stable"))
                .extracting(p -> p.getMetadata().getName())
                .containsExactly(pod.getMetadata().getName());
    }

    @Test
    void deletingTheUnikernelPodLeavesItsPodToTheGarbageCollector() {
        String ns = "deletion";
        PushedImage image = Images.push(registry, "demo/deletion", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        UnikernelPod created = cluster.create(ukp(ns, "gone", image.reference()));
        Pod pod = cluster.awaitPod(ns, "gone");
        cluster.provisionClaim(pod, "Bound");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(o.getBlockOwnerDeletion()).isTrue();
        });

        client.resources(UnikernelPod.class).inNamespace(ns).withName("gone").delete();
        await().atMost(Cluster.TIMEOUT).until(() -> cluster.get(ns, "gone") == null);
        cluster.collectGarbage(created.getMetadata().getUid());
        assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems())
                .isEmpty();
        // Nothing may bring the Pod back once its owner is gone.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> client.pods().inNamespace(ns).list().getItems().isEmpty());
    }

    @Test
    void aPodDeletedBehindTheOperatorsBackIsRecreated() {
        String ns = "evicted";
        PushedImage image = Images.push(registry, "demo/evicted", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "again", image.reference()));
        Pod pod = cluster.awaitPod(ns, "again");
        client.resource(pod).delete();
        await().atMost(Cluster.TIMEOUT).until(() -> {
            List<Pod> pods = cluster.podsOf(ns, "again");
            return pods.size() == 1
                    && !pods.get(0)
                            .getMetadata()
                            .getUid()
                            .equals(pod.getMetadata().getUid());
        });
    }

    @Test
    void reconcilesAreCountedAndTheOperatorIsHealthy() throws Exception {
        String ns = "metrics";
        PushedImage image = Images.push(registry, "demo/metrics", "1.0", "console=ttyS0");
        Cluster cluster = new Cluster(client);
        cluster.create(ukp(ns, "counted", image.reference()));
        cluster.awaitPod(ns, "counted");
        HttpClient http = HttpClient.newHttpClient();
        String body = http.send(
                        HttpRequest.newBuilder(URI.create(metrics.toString())).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body)
                .contains("unibloc_operator_reconcile_seconds_count{kind=\"UnikernelPod\",outcome=\"ok\"")
                .contains("unibloc_operator_pods_created_total")
                .contains("unibloc_operator_pin_seconds_count");
        HttpResponse<String> healthy = http.send(
                HttpRequest.newBuilder(URI.create(health.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(200);
    }

    static String reason(UnikernelPodStatus s, String type) {
        return s.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .map(Condition::getReason)
                .findFirst()
                .orElse("");
    }

    static String message(UnikernelPodStatus s, String type) {
        return s.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .map(Condition::getMessage)
                .findFirst()
                .orElse("");
    }
}
