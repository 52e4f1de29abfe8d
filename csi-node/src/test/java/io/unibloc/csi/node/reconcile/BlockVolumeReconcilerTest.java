package io.unibloc.csi.node.reconcile;

import static io.unibloc.csi.node.NodeHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeReasons;
import io.unibloc.api.v1alpha1.BlockVolumeStatus;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.node.FakeBlockStore;
import io.unibloc.csi.node.MockApi;
import io.unibloc.csi.node.NodeHarness;
import io.unibloc.csi.node.NodeOperator;
import io.unibloc.csi.node.volume.VolumeLocks;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller (JOSDK operator, reconciler, preparations, sweep) against the strict mock API server with the in-memory store double. */
class BlockVolumeReconcilerTest {
    private static final String IMAGE = "127.0.0.1:5000/app@sha256:" + "ab".repeat(32);
    private static MockApi api;
    private static KubernetesClient client;
    private FakeBlockStore store;
    private Operator operator;
    private SimpleMeterRegistry meters;
    private BlockVolumeController reconciler;

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
    void start() {
        NodeHarness.wipe(client);
        store = new FakeBlockStore();
    }

    private BlockVolumeController startReconciler() {
        return startReconciler(NodeHarness.fastReconcile());
    }

    /** The controller on its own JOSDK operator, as NodeComponents wires it. */
    private BlockVolumeController startReconciler(BlockVolumeReconciler.Settings settings) {
        meters = new SimpleMeterRegistry();
        operator = NodeOperator.create(client, meters, new io.unibloc.csi.node.InformerFailure());
        reconciler = new BlockVolumeController(
                operator, client, store, NODE, new VolumeLocks(), Clock.systemUTC(), meters, settings);
        operator.start();
        reconciler.start();
        return reconciler;
    }

    @AfterEach
    void stop() {
        if (operator != null) {
            operator.stop();
        }
        if (reconciler != null) {
            reconciler.close();
        }
    }

    private BlockVolume get(String id) {
        return client.resources(BlockVolume.class).withName(id).get();
    }

    private BlockVolumePhase phase(String id) {
        BlockVolume v = get(id);
        return v == null || v.getStatus() == null ? null : v.getStatus().getPhase();
    }

    @Test
    void pendingRecordsBecomeReadyWithTimingsAndCondition() {
        startReconciler();
        NodeHarness.record(client, "pvc-ready", NODE, IMAGE, 32L << 20, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-ready") == BlockVolumePhase.Ready);
        BlockVolumeStatus status = get("pvc-ready").getStatus();
        assertThat(status.getSizeBytes()).isEqualTo(32L << 20);
        assertThat(status.getChainId()).isEqualTo("chain-1");
        assertThat(status.getPreparingSince()).isNotNull();
        assertThat(status.getReadyAt()).isNotNull();
        assertThat(status.getTimings().getTotalMillis()).isNotNegative();
        assertThat(status.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo(BlockVolumeStatus.CONDITION_READY);
            assertThat(c.getStatus()).isEqualTo("True");
        });
        assertThat(get("pvc-ready").getMetadata().getFinalizers()).contains(BlockVolume.STORAGE_FINALIZER);
        assertThat(store.volumes).containsKey("pvc-ready");
        assertThat(meters.find("reconciliations.started.total").counters())
                .as("JOSDK's controller metrics on the node's registry")
                .isNotEmpty();
        assertThat(meters.find("unibloc.csi.node.preparation")
                        .tag("result", "ready")
                        .timer())
                .isNotNull();
    }

    @Test
    void aRecordStoredWithoutStatusGetsItsStatusByMergePatchToTheSubresource() {
        startReconciler();
        BlockVolume created = NodeHarness.record(client, "pvc-nostatus", NODE, IMAGE, 0, false);
        assertThat(created.getStatus())
                .as("a real API server drops status on create")
                .isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-nostatus") == BlockVolumePhase.Ready);
        assertThat(api.server.dispatcher().requests())
                .filteredOn(w -> w.path().contains("/blockvolumes/pvc-nostatus/status"))
                .isNotEmpty()
                .allSatisfy(w -> assertThat(w.contentType()).isEqualTo("application/merge-patch+json"));
    }

    @Test
    void permanentFailuresAreFailedWithTheirApiReason() {
        startReconciler();
        NodeHarness.record(client, "pvc-missing", NODE, "127.0.0.1:5000/missing@sha256:" + "ab".repeat(32), 0, false);
        NodeHarness.record(client, "pvc-badref", NODE, "not a reference", 0, false);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> phase("pvc-missing") == BlockVolumePhase.Failed
                        && phase("pvc-badref") == BlockVolumePhase.Failed);
        assertThat(get("pvc-missing").getStatus().getReason()).isEqualTo(BlockVolumeReasons.IMAGE_NOT_FOUND);
        assertThat(get("pvc-missing").getStatus().getMessage()).contains("missing");
        assertThat(get("pvc-badref").getStatus().getReason()).isEqualTo(BlockVolumeReasons.INVALID_SPEC);
        assertThat(get("pvc-badref").getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getReason()).isEqualTo(BlockVolumeReasons.INVALID_SPEC));
    }

    @Test
    void transientFailuresRetryAndThenSucceed() {
        AtomicInteger calls = new AtomicInteger();
        store.createHook =
                spec -> calls.incrementAndGet() <= 2 ? StoreException.unavailable("registry unreachable", null) : null;
        startReconciler();
        NodeHarness.record(client, "pvc-flaky", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-flaky") == BlockVolumePhase.Ready);
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void retriesWaitForTheBackOffInsteadOfFollowingTheirOwnStatusWrites() {
        AtomicInteger calls = new AtomicInteger();
        store.createHook = spec -> {
            calls.incrementAndGet();
            return StoreException.unavailable("registry unreachable", null);
        };
        startReconciler(new BlockVolumeReconciler.Settings(
                2,
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofMillis(200),
                1,
                Long.MAX_VALUE));
        NodeHarness.record(client, "pvc-down", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 1);
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 3);
        // Two retries at a 1 s back-off each: reacting to the "retrying in 1s" status write would take milliseconds.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1800));
    }

    @Test
    void aStoreErrorWhileFreeingIsRetriedNotDropped() {
        AtomicInteger calls = new AtomicInteger();
        store.deleteHook = id -> calls.incrementAndGet() <= 2 ? StoreException.internal("disk hiccup", null) : null;
        startReconciler();
        NodeHarness.record(client, "pvc-stuck", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-stuck") == BlockVolumePhase.Ready);
        client.resources(BlockVolume.class).withName("pvc-stuck").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-stuck") == null);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(store.volumes).doesNotContainKey("pvc-stuck");
    }

    @Test
    void deletionFreesTheStorageAndDropsTheFinalizer() {
        startReconciler();
        NodeHarness.record(client, "pvc-gone", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-gone") == BlockVolumePhase.Ready);
        client.resources(BlockVolume.class).withName("pvc-gone").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-gone") == null);
        assertThat(store.volumes).doesNotContainKey("pvc-gone");
    }

    @Test
    void deletionWhileAttachedIsDeferredUntilDetached() {
        startReconciler();
        NodeHarness.record(client, "pvc-busy", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-busy") == BlockVolumePhase.Ready);
        store.attach("pvc-busy", BlockStore.AttachOptions.DEFAULT);
        client.resources(BlockVolume.class).withName("pvc-busy").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            BlockVolume v = get("pvc-busy");
            return v != null
                    && v.getStatus().getMessage() != null
                    && v.getStatus().getMessage().startsWith("deletion deferred");
        });
        assertThat(store.volumes).containsKey("pvc-busy");
        assertThat(get("pvc-busy").getMetadata().getFinalizers()).contains(BlockVolume.STORAGE_FINALIZER);
        store.detach("pvc-busy");
        reconciler.nudge("pvc-busy");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-busy") == null);
        assertThat(store.volumes).doesNotContainKey("pvc-busy");
    }

    @Test
    void orphansAreSweptAtStartButNeverWhenAttached() {
        createInStore("pvc-orphan");
        createInStore("pvc-orphan-attached");
        store.attach("pvc-orphan-attached", BlockStore.AttachOptions.DEFAULT);
        createInStore("pvc-owned");
        NodeHarness.record(client, "pvc-owned", NODE, IMAGE, 0, false);
        createInStore("pvc-of-other-node");
        NodeHarness.record(client, "pvc-of-other-node", "node-b", IMAGE, 0, false);
        startReconciler();
        assertThat(store.volumes)
                .doesNotContainKeys("pvc-orphan", "pvc-of-other-node")
                .containsKeys("pvc-orphan-attached", "pvc-owned");
    }

    @Test
    void aRestartInTheMiddleOfAPreparationFinishesIt() {
        // The record says Preparing (the previous process died mid-way) and the store has nothing usable.
        NodeHarness.record(client, "pvc-resume", NODE, IMAGE, 0, false);
        client.resources(BlockVolume.class).withName("pvc-resume").editStatus(v -> {
            v.setStatus(new BlockVolumeStatus());
            v.getStatus().setPhase(BlockVolumePhase.Preparing);
            return v;
        });
        startReconciler();
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-resume") == BlockVolumePhase.Ready);
        assertThat(store.volumes).containsKey("pvc-resume");
    }

    @Test
    void aReadyRecordWhoseVolumeVanishedIsPreparedAgain() {
        startReconciler();
        NodeHarness.record(client, "pvc-again", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-again") == BlockVolumePhase.Ready);
        int before = store.creates.get();
        store.volumes.remove("pvc-again");
        reconciler.nudge("pvc-again");
        await().atMost(Duration.ofSeconds(10)).until(() -> store.volumes.containsKey("pvc-again"));
        assertThat(store.creates.get()).isGreaterThan(before);
    }

    @Test
    void recordsOfOtherNodesAreIgnored() throws Exception {
        startReconciler();
        NodeHarness.record(client, "pvc-foreign", "node-b", IMAGE, 0, false);
        Thread.sleep(500);
        assertThat(phase("pvc-foreign")).isNull();
        assertThat(store.volumes).doesNotContainKey("pvc-foreign");
    }

    @Test
    void aDeletionCompletesWhileEveryPreparationWorkerIsStuckInAPull() throws Exception {
        startReconciler();
        NodeHarness.record(client, "pvc-done", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-done") == BlockVolumePhase.Ready);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger stalled = new AtomicInteger();
        store.createHook = spec -> {
            stalled.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        try {
            // One stalled pull more than there are preparation workers: every worker is busy, one waits for a worker.
            int slow = NodeHarness.fastReconcile().preparers() + 1;
            for (int i = 0; i < slow; i++) {
                NodeHarness.record(client, "pvc-slow-" + i, NODE, IMAGE, 0, false);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stalled.get() == NodeHarness.fastReconcile().preparers());
            client.resources(BlockVolume.class).withName("pvc-done").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-done") == null);
            assertThat(store.volumes).doesNotContainKey("pvc-done");
            assertThat(release.getCount()).as("the pulls were still stalled").isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aRecordArrivingWithoutTheFinalizerGetsItFromJosdk() {
        NodeHarness.record(client, "pvc-nofin", NODE, IMAGE, 0, false);
        client.resources(BlockVolume.class).withName("pvc-nofin").edit(v -> {
            v.getMetadata().setFinalizers(java.util.List.of());
            return v;
        });
        assertThat(get("pvc-nofin").getMetadata().getFinalizers()).isEmpty();
        startReconciler();
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-nofin") == BlockVolumePhase.Ready);
        assertThat(get("pvc-nofin").getMetadata().getFinalizers()).containsExactly(BlockVolume.STORAGE_FINALIZER);
        client.resources(BlockVolume.class).withName("pvc-nofin").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-nofin") == null);
        assertThat(store.volumes).doesNotContainKey("pvc-nofin");
    }

    @Test
    void aRecordLabelledHereButNamingAnotherNodeIsNotPreparedAndItsDeletionIsReleasedToTheSweep() throws Exception {
        createInStore("pvc-mislabelled");
        NodeHarness.record(client, "pvc-mislabelled", "node-b", IMAGE, 0, false);
        client.resources(BlockVolume.class).withName("pvc-mislabelled").edit(v -> {
            v.getMetadata().getLabels().put(BlockVolume.NODE_LABEL, NODE);
            return v;
        });
        startReconciler();
        int creates = store.creates.get();
        reconciler.nudge("pvc-mislabelled");
        Thread.sleep(500);
        assertThat(phase("pvc-mislabelled")).as("reconcile() checks spec.node").isNull();
        assertThat(store.creates.get()).isEqualTo(creates);
        assertThat(reconciler.sweepNow())
                .as("a record of this label keeps the volume while it exists")
                .isZero();

        client.resources(BlockVolume.class).withName("pvc-mislabelled").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-mislabelled") == null);
        assertThat(store.volumes)
                .as("cleanup() checks spec.node: not freed by the reconciler")
                .containsKey("pvc-mislabelled");
        assertThat(reconciler.sweepNow()).isEqualTo(1);
        assertThat(store.volumes).doesNotContainKey("pvc-mislabelled");
    }

    @Test
    void aRecordMovedToAnotherNodeWhilePullingHasItsPullStoppedWhenItsDeletionIsReleased() {
        io.unibloc.registry.ref.Digest blob = io.unibloc.registry.ref.Digest.parse("sha256:" + "ef".repeat(32));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger chunks = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> stoppedWith =
                new java.util.concurrent.atomic.AtomicReference<>();
        store.pullHook = progress -> {
            progress.pullStarted(blob, 10L << 30);
            try {
                while (!release.await(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    progress.pulled(blob, chunks.incrementAndGet() * (1L << 20));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                stoppedWith.set(e);
                throw e;
            }
            progress.pullFinished(blob);
        };
        try {
            startReconciler();
            NodeHarness.record(client, "pvc-moved", NODE, IMAGE, 0, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> chunks.get() > 0);
            // Hand-edited to name another node while this node pulls for it, label unchanged, then deleted.
            client.resources(BlockVolume.class).withName("pvc-moved").edit(v -> {
                v.getSpec().setNode("node-b");
                return v;
            });
            client.resources(BlockVolume.class).withName("pvc-moved").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-moved") == null);
            await("the release stopped this node's pull for the record")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> stoppedWith.get() != null);
            assertThat(stoppedWith.get())
                    .isInstanceOf(io.unibloc.types.PullCancelledException.class)
                    .hasMessageContaining("cancelled by its deletion");
            assertThat(release.getCount())
                    .as("the pull was not allowed to finish")
                    .isEqualTo(1);
        } finally {
            release.countDown();
        }
        // A record returning under the name is prepared afresh.
        int creates = store.creates.get();
        store.pullHook = progress -> {};
        NodeHarness.record(client, "pvc-moved", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-moved") == BlockVolumePhase.Ready);
        assertThat(store.creates.get()).isGreaterThan(creates);
    }

    @Test
    void aDeletionStopsItsOwnPullInsteadOfWaitingForIt() {
        io.unibloc.registry.ref.Digest blob = io.unibloc.registry.ref.Digest.parse("sha256:" + "cd".repeat(32));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger chunks = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> stoppedWith =
                new java.util.concurrent.atomic.AtomicReference<>();
        store.pullHook = progress -> {
            // A large blob arriving chunk by chunk until the test releases it.
            progress.pullStarted(blob, 10L << 30);
            try {
                while (!release.await(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    progress.pulled(blob, chunks.incrementAndGet() * (1L << 20));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                stoppedWith.set(e);
                throw e;
            }
            progress.pullFinished(blob);
        };
        try {
            startReconciler();
            NodeHarness.record(client, "pvc-big", NODE, IMAGE, 0, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> chunks.get() > 0);
            client.resources(BlockVolume.class).withName("pvc-big").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-big") == null);
            assertThat(release.getCount())
                    .as("the pull was not allowed to finish")
                    .isEqualTo(1);
            assertThat(stoppedWith.get())
                    .isInstanceOf(io.unibloc.types.PullCancelledException.class)
                    .hasMessageContaining("cancelled by its deletion");
            assertThat(store.volumes).doesNotContainKey("pvc-big");
        } finally {
            release.countDown();
        }
        // The name is free again: a new record under it is prepared from scratch.
        store.pullHook = progress -> {};
        NodeHarness.record(client, "pvc-big", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-big") == BlockVolumePhase.Ready);
    }

    @Test
    void aDeletionDuringItsOwnPreparationWaitsAndThenFreesIt() {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger stalled = new AtomicInteger();
        store.createHook = spec -> {
            stalled.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        try {
            startReconciler();
            NodeHarness.record(client, "pvc-pulling", NODE, IMAGE, 0, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> stalled.get() == 1);
            client.resources(BlockVolume.class).withName("pvc-pulling").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                BlockVolume v = get("pvc-pulling");
                return v != null
                        && "deletion stopped the running preparation and waits for it to end"
                                .equals(v.getStatus().getMessage());
            });
            assertThat(get("pvc-pulling").getMetadata().getFinalizers()).contains(BlockVolume.STORAGE_FINALIZER);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-pulling") == null);
        assertThat(store.volumes).doesNotContainKey("pvc-pulling");
    }

    @Test
    void aQueuedPreparationIsCancelledByADeleteAndTheNameCanBeUsedAgain() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
        store.createHook = spec -> {
            started.add(spec.id());
            if (spec.id().startsWith("pvc-busy-")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        };
        int workers = NodeHarness.fastReconcile().preparers();
        try {
            startReconciler();
            for (int i = 0; i < workers; i++) {
                NodeHarness.record(client, "pvc-busy-" + i, NODE, IMAGE, 0, false);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> started.size() == workers);
            NodeHarness.record(client, "pvc-queued", NODE, IMAGE, 0, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-queued") == BlockVolumePhase.Preparing);
            client.resources(BlockVolume.class).withName("pvc-queued").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> get("pvc-queued") == null);
        } finally {
            release.countDown();
        }
        for (int i = 0; i < workers; i++) {
            String id = "pvc-busy-" + i;
            await().atMost(Duration.ofSeconds(10)).until(() -> phase(id) == BlockVolumePhase.Ready);
        }
        Thread.sleep(300);
        assertThat(started).as("the cancelled preparation never ran").doesNotContain("pvc-queued");
        assertThat(store.volumes).doesNotContainKey("pvc-queued");

        NodeHarness.record(client, "pvc-queued", NODE, IMAGE, 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-queued") == BlockVolumePhase.Ready);
        assertThat(started).contains("pvc-queued");
        assertThat(store.volumes).containsKey("pvc-queued");
    }

    private void createInStore(String id) {
        store.createVolume(
                new BlockStore.VolumeSpec(id, ImageReference.parse(IMAGE), FsType.EXT4, 0, false),
                RegistryCredentials.NONE,
                BlockStore.Progress.NONE);
    }
}
