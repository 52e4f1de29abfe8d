package io.unibloc.csi.controller.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.api.v1alpha1.BlockVolumeStatus;
import io.unibloc.csi.controller.MockApi;
import io.unibloc.testkit.kube.RequestTally;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CreateVolume's wait for the node plugin, on a watch against the strict API server. */
class BlockVolumeRecordsTest {
    private static MockApi api;
    private static BlockVolumeRecords records;

    @BeforeAll
    static void start() {
        api = new MockApi();
        records = new BlockVolumeRecords(api.client);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void returnsAsSoonAsTheNodeReportsReady() throws Exception {
        createPending(volume("ready-later"));
        CompletableFuture<Optional<BlockVolume>> waiting =
                CompletableFuture.supplyAsync(() -> records.awaitSettled("ready-later", Duration.ofSeconds(30)));
        Thread.sleep(300);
        assertThat(waiting).as("still waiting while Pending").isNotDone();
        setPhase("ready-later", BlockVolumePhase.Ready);

        Optional<BlockVolume> settled = waiting.get(20, TimeUnit.SECONDS);
        assertThat(settled).isPresent();
        assertThat(settled.get().getStatus().getPhase()).isEqualTo(BlockVolumePhase.Ready);
    }

    @Test
    void givesTheLastStateWhenTheDeadlinePasses() {
        createPending(volume("stays-pending"));
        Optional<BlockVolume> last = records.awaitSettled("stays-pending", Duration.ofMillis(700));
        assertThat(last).isPresent();
        assertThat(last.get().getStatus().getPhase()).isEqualTo(BlockVolumePhase.Pending);
    }

    @Test
    void isEmptyWhenTheRecordIsDeletedWhileWaiting() throws Exception {
        createPending(volume("deleted-meanwhile"));
        CompletableFuture<Optional<BlockVolume>> waiting =
                CompletableFuture.supplyAsync(() -> records.awaitSettled("deleted-meanwhile", Duration.ofSeconds(30)));
        Thread.sleep(300);
        records.delete("deleted-meanwhile");

        assertThat(waiting.get(20, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void isEmptyAtOnceForAnUnknownRecord() {
        assertThat(records.awaitSettled("never-created", Duration.ofSeconds(30)))
                .isEmpty();
    }

    @Test
    void watchesInsteadOfPolling() {
        createPending(volume("counted"));
        RequestTally tally = api.server.dispatcher().tally();
        tally.reset();
        records.awaitSettled("counted", Duration.ofMillis(1500));

        Map<RequestTally.Key, Long> counts = tally.snapshot();
        long gets = counts.entrySet().stream()
                .filter(e ->
                        e.getKey().verb().equals("get") && e.getKey().resource().equals("blockvolumes"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long watches = counts.entrySet().stream()
                .filter(e -> e.getKey().verb().equals("watch"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        // A poll every 50-400 ms would have read the record about eight times in 1.5 s.
        assertThat(gets)
                .as("GETs of the record (one, at the deadline): " + counts)
                .isLessThanOrEqualTo(1);
        assertThat(watches).as("watches: " + counts).isEqualTo(1);
    }

    private static BlockVolume volume(String name) {
        BlockVolumeSpec spec = new BlockVolumeSpec();
        spec.setRequestName("pvc-" + name);
        spec.setNode("node-1");
        spec.setImage("registry.example/demo@sha256:" + "0".repeat(64));
        spec.setSourceImage("registry.example/demo:1.0");
        spec.setFsType("ext4");
        spec.setSizeBytes(1 << 20);
        spec.setWriteMode("persistent");
        BlockVolume v = new BlockVolume();
        v.setMetadata(new ObjectMetaBuilder().withName(name).build());
        v.setSpec(spec);
        return v;
    }

    /** Creates the record as CreateVolume does; the server drops status on create, so Pending is set after. */
    private static void createPending(BlockVolume volume) {
        records.create(volume);
        setPhase(volume.getMetadata().getName(), BlockVolumePhase.Pending);
    }

    private static void setPhase(String name, BlockVolumePhase phase) {
        api.client.resources(BlockVolume.class).withName(name).editStatus(v -> {
            BlockVolumeStatus status = new BlockVolumeStatus();
            status.setPhase(phase);
            status.setSizeBytes(1L << 20);
            v.setStatus(status);
            return v;
        });
    }
}
