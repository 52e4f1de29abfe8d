package io.unibloc.csi.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.config.InformerStoppedHandler;
import io.unibloc.api.v1alpha1.BlockVolume;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A synced informer that stops with an error shuts the node plugin down through its own close path, never through
 * JOSDK's default {@code System.exit(1)} (which would end this test JVM, so surefire would report the fork crashed).
 */
class InformerFailureTest {
    private static MockApi api;

    @BeforeAll
    static void api() {
        api = new MockApi();
    }

    @AfterAll
    static void apiDown() {
        api.close();
    }

    @Test
    void aSyncedInformerStoppingWithAnErrorClosesTheServerAndLeavesTheCauseForMain() throws Exception {
        NodeHarness.wipe(api.client);
        NodeHarness harness = new NodeHarness(api.client, new FakeBlockStore());
        try (SharedIndexInformer<BlockVolume> synced =
                api.client.resources(BlockVolume.class).inform()) {
            await().atMost(Duration.ofSeconds(20)).until(harness.components.volumes()::synced);
            InformerStoppedHandler handler = harness.components
                    .operator()
                    .getConfigurationService()
                    .getInformerStoppedHandler()
                    .orElseThrow();
            assertThat(handler)
                    .as("the operator uses ours, not JOSDK's System.exit")
                    .isInstanceOf(InformerFailure.class);
            assertThat(harness.components.fatal()).isEmpty();
            WatcherException forbidden = new WatcherException(
                    "watch closed", new KubernetesClientException("blockvolumes is forbidden", 403, null));

            handler.onStop(synced, forbidden);

            // Main blocks in awaitTermination: it returns once the failure closed the server.
            Thread main = new Thread(() -> {
                try {
                    harness.server.awaitTermination();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            main.start();
            main.join(Duration.ofSeconds(20).toMillis());
            assertThat(main.isAlive()).as("the CSI server was closed").isFalse();
            assertThat(Files.exists(harness.server.socket())).isFalse();
            assertThat(harness.components.fatal()).containsSame(forbidden);
            assertThat(harness.components.volumes().synced())
                    .as("the rest still runs until Main closes it")
                    .isTrue();
        } finally {
            harness.close();
        }
        assertThat(harness.components.volumes().synced())
                .as("closed by Main's try-with-resources")
                .isFalse();
    }

    @Test
    void onlyAFailureAfterSyncShutsDownAndOnlyOnce() throws Exception {
        InformerFailure failure = new InformerFailure();
        AtomicInteger shutdowns = new AtomicInteger();
        failure.onFatal(shutdowns::incrementAndGet);
        try (SharedIndexInformer<BlockVolume> synced =
                        api.client.resources(BlockVolume.class).inform();
                SharedIndexInformer<BlockVolume> unstarted =
                        api.client.resources(BlockVolume.class).runnableInformer(0)) {
            failure.onStop(synced, null);
            failure.onStop(unstarted, new WatcherException("before the first sync"));
            assertThat(failure.cause())
                    .as("an orderly stop, or a start that JOSDK fails itself")
                    .isEmpty();

            WatcherException first = new WatcherException("first");
            failure.onStop(synced, first);
            failure.onStop(synced, new WatcherException("second"));
            await().atMost(Duration.ofSeconds(5)).until(() -> shutdowns.get() == 1);
            Thread.sleep(200);
            assertThat(shutdowns.get()).isEqualTo(1);
            assertThat(failure.cause()).containsSame(first);
        }
    }
}
