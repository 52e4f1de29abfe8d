package io.unibloc.csi.node.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.api.wire.NodeLabels;
import io.unibloc.csi.common.grpc.CallLoggingInterceptor;
import io.unibloc.csi.node.FakeBlockStore;
import io.unibloc.csi.node.MockApi;
import io.unibloc.csi.node.nodestore.NodeStoreReporter;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.KvmProbe;
import io.unibloc.sandbox.accel.KvmVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's KVM decision (with a stand-in for the probe guest and a real verdict file) and what follows from it:
 * labels, the NodeStore condition {@code KvmUsable}, metrics and the device plugin's offer, including the flip
 * when a sandbox records a verdict.
 */
class KvmNodeTest {
    private static MockApi api;
    private static KubernetesClient client;

    @TempDir
    Path dir;

    @BeforeAll
    static void api() {
        api = new MockApi();
        client = api.client;
    }

    @AfterAll
    static void apiDown() {
        api.close();
    }

    private Path device() throws Exception {
        return Files.createFile(dir.resolve("kvm"));
    }

    private static KvmProbe.Decision passes() {
        return new KvmProbe.Decision(Accel.KVM, "probe guest ran under KVM", Duration.ofMillis(250));
    }

    @Test
    void theDecisionSaysWhichCheckRuledKvmOut() throws Exception {
        KvmVerdict verdict = new KvmVerdict(dir.resolve("accel/kvm-verdict.properties"));
        AtomicInteger probes = new AtomicInteger();
        KvmState missing = KvmAvailability.decide("auto", dir.resolve("no-kvm"), verdict, () -> {
            probes.incrementAndGet();
            return passes();
        });
        assertThat(missing.usable()).isFalse();
        assertThat(missing.reason()).isEqualTo(KvmState.Reason.NoDevice);
        assertThat(missing.message()).contains("no-kvm").contains("does not exist");

        Path device = device();
        KvmState passed = KvmAvailability.decide("auto", device, verdict, () -> {
            probes.incrementAndGet();
            return passes();
        });
        assertThat(passed)
                .isEqualTo(new KvmState(
                        true, KvmState.Reason.ProbePassed, "probe guest ran under KVM", Duration.ofMillis(250)));
        assertThat(passed.accel()).isEqualTo("kvm");

        KvmState failed = KvmAvailability.decide(
                "auto",
                device,
                verdict,
                () -> new KvmProbe.Decision(Accel.TCG, "the 64-bit probe guest hung", Duration.ofSeconds(3)));
        assertThat(failed.reason()).isEqualTo(KvmState.Reason.ProbeFailed);
        assertThat(failed.accel()).isEqualTo("tcg");
        assertThat(failed.message()).isEqualTo("the 64-bit probe guest hung");

        verdict.recordKvmUnusable("a guest hung under KVM");
        int before = probes.get();
        KvmState remembered = KvmAvailability.decide("auto", device, verdict, () -> {
            probes.incrementAndGet();
            return passes();
        });
        assertThat(remembered.reason()).isEqualTo(KvmState.Reason.VerdictRemembered);
        assertThat(remembered.message())
                .contains("a guest hung under KVM")
                .contains(verdict.file().toString());
        assertThat(probes.get())
                .as("a remembered verdict skips the probe guest")
                .isEqualTo(before);

        assertThat(KvmAvailability.decide("true", dir.resolve("no-kvm"), verdict, KvmNodeTest::passes))
                .satisfies(s -> assertThat(s.usable()).isTrue())
                .satisfies(s -> assertThat(s.reason()).isEqualTo(KvmState.Reason.Forced));
        assertThat(KvmAvailability.decide("false", device, verdict, KvmNodeTest::passes)
                        .usable())
                .isFalse();
    }

    @Test
    void aVerdictWrittenByASandboxFlipsLabelsConditionMetricsAndDevices() throws Exception {
        String node = "node-fallback";
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(node)
                        .endMetadata()
                        .build())
                .create();
        Path device = device();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicReference<KvmNode> kvm = new AtomicReference<>();
        NodeStoreReporter reporter = new NodeStoreReporter(
                client,
                new FakeBlockStore(),
                node,
                dir,
                List::of,
                () -> kvm.get().state(),
                Clock.systemUTC(),
                Duration.ofMinutes(10),
                new SimpleMeterRegistry());
        KvmNode.Settings settings = new KvmNode.Settings(
                dir.resolve("accel"), device, List.of(device), 2, null, false, Duration.ofHours(1));
        try (reporter;
                KvmNode k = new KvmNode(
                        settings,
                        () -> KvmAvailability.decide(
                                "auto",
                                device,
                                new KvmVerdict(KvmNode.verdictFile(dir.resolve("accel"))),
                                KvmNodeTest::passes),
                        new NodeLabeler(client, node),
                        new CallLoggingInterceptor(meters),
                        meters,
                        s -> {})) {
            kvm.set(k);
            k.start();
            assertThat(client.nodes().withName(node).get().getMetadata().getLabels())
                    .containsEntry(NodeLabels.KVM, "true")
                    .containsEntry("unibloc.io/accel", "kvm")
                    .containsEntry("unibloc.io/node", "true");
            assertThat(meters.get("unibloc.node.kvm.usable").gauge().value()).isEqualTo(1.0);
            assertThat(meters.get("unibloc.kvm.probe.duration.seconds").gauge().value())
                    .isEqualTo(0.25);
            assertThat(kvmUsable(reporter.report())).satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("ProbePassed");
            });
            KvmDevicePlugin plugin = k.newPlugin();
            assertThat(plugin.offer()).isEqualTo(new KvmDevicePlugin.Offer(true, true));
            assertThat(Files.getPosixFilePermissions(dir.resolve("accel")))
                    .as("sandboxes running as 65532 write the verdict there")
                    .hasSize(9);

            assertThat(k.checkVerdict()).as("no verdict yet").isFalse();
            // What a sandbox whose KVM boot tripped the watchdog does, through the device plugin's mount.
            new KvmVerdict(KvmNode.verdictFile(dir.resolve("accel")))
                    .recordKvmUnusable("boot watchdog: no console output within 10000 ms under kvm");
            assertThat(k.checkVerdict()).isTrue();
            assertThat(k.checkVerdict()).as("flips once").isFalse();

            assertThat(client.nodes().withName(node).get().getMetadata().getLabels())
                    .containsEntry(NodeLabels.KVM, "false")
                    .containsEntry("unibloc.io/accel", "tcg");
            assertThat(plugin.offer())
                    .as("not allowed to emulate: devices unhealthy")
                    .isEqualTo(new KvmDevicePlugin.Offer(false, false));
            assertThat(meters.get("unibloc.node.kvm.usable").gauge().value()).isEqualTo(0.0);
            assertThat(meters.get("unibloc.kvm.guest.fallbacks").counter().count())
                    .isEqualTo(1.0);
            NodeStore reported = reporter.report();
            assertThat(reported.getStatus().getKvm()).isFalse();
            assertThat(kvmUsable(reported)).satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("GuestFellBack");
                assertThat(c.getMessage()).contains("boot watchdog");
            });
        }
    }

    @Test
    void aNodeWithoutKvmOffersHealthyDevicesOnlyWhenEmulationIsAllowed() throws Exception {
        for (boolean allow : List.of(false, true)) {
            String node = "node-tcg-" + allow;
            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName(node)
                            .endMetadata()
                            .build())
                    .create();
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            KvmNode.Settings settings = new KvmNode.Settings(
                    dir.resolve("accel-" + allow),
                    dir.resolve("absent"),
                    List.of(dir.resolve("absent")),
                    2,
                    null,
                    allow,
                    Duration.ofHours(1));
            try (KvmNode k = new KvmNode(
                    settings,
                    () -> KvmAvailability.decide("auto", dir.resolve("absent"), null, KvmNodeTest::passes),
                    new NodeLabeler(client, node),
                    new CallLoggingInterceptor(meters),
                    meters,
                    s -> {})) {
                k.start();
                assertThat(k.state())
                        .get()
                        .satisfies(s -> assertThat(s.reason()).isEqualTo(KvmState.Reason.NoDevice));
                assertThat(k.newPlugin().offer()).isEqualTo(new KvmDevicePlugin.Offer(false, allow));
                Map<String, String> labels =
                        client.nodes().withName(node).get().getMetadata().getLabels();
                assertThat(labels)
                        .containsEntry(NodeLabels.KVM, "false")
                        .containsEntry("unibloc.io/accel", "tcg")
                        .containsEntry("unibloc.io/node", "true");
            }
        }
    }

    private static Condition kvmUsable(NodeStore store) {
        return store.getStatus().getConditions().stream()
                .filter(c -> NodeStoreStatus.CONDITION_KVM_USABLE.equals(c.getType()))
                .findFirst()
                .orElseThrow();
    }
}
