package io.unibloc.csi.driver;

import static io.unibloc.csi.driver.DriverRig.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.csi.node.NodeHarness;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deletion on the node while pulls hang: the real driver (real block store, real registry) with a registry proxy
 * that holds every blob download, more stalled preparations than the node has preparation workers, and then a Ready
 * volume deleted. The deletion must complete while the pulls still hang — on the hand-made work queue it waited for
 * a worker, and every worker was inside a pull.
 */
class SlowPullIT {
    private DriverRig rig;
    private StallingRegistryProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        rig = new DriverRig();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        rig.close();
    }

    private BlockVolumePhase phase(String id) {
        BlockVolume v = rig.client.resources(BlockVolume.class).withName(id).get();
        return v == null || v.getStatus() == null ? null : v.getStatus().getPhase();
    }

    @Test
    void aDeletionCompletesWhilePullsHangOnEveryPreparationWorker() throws Exception {
        NodeHarness.record(rig.client, "pvc-done", NODE, rig.image.pinnedReference(), 0, false);
        await().atMost(Duration.ofSeconds(60)).until(() -> phase("pvc-done") == BlockVolumePhase.Ready);

        PushedImage slow = TestImage.builder()
                .layer(TestLayer.builder()
                        .file("app/slow.txt", "pulled through a registry that stalls\n")
                        .build(Compression.GZIP))
                .build()
                .push(rig.registry, "apps/slow", "1.0");
        proxy = new StallingRegistryProxy(slow.registry());
        String throughProxy = slow.pinnedReference().replace(slow.registry(), proxy.hostPort());
        int preparers = NodeHarness.fastReconcile().preparers();
        for (int i = 0; i <= preparers; i++) {
            NodeHarness.record(rig.client, "pvc-slow-" + i, NODE, throughProxy, 0, false);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> proxy.stalled() >= 1);

        rig.client.resources(BlockVolume.class).withName("pvc-done").delete();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rig.client
                                .resources(BlockVolume.class)
                                .withName("pvc-done")
                                .get()
                        == null);
        assertThat(rig.store.findVolume("pvc-done")).isEmpty();
        assertThat(proxy.holding()).as("the pulls were still hanging").isTrue();
        for (int i = 0; i <= preparers; i++) {
            assertThat(phase("pvc-slow-" + i)).isEqualTo(BlockVolumePhase.Preparing);
        }

        proxy.release();
        for (int i = 0; i <= preparers; i++) {
            String id = "pvc-slow-" + i;
            await().atMost(Duration.ofSeconds(120)).until(() -> phase(id) == BlockVolumePhase.Ready);
        }
    }
}
