package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.net.NetworkOptions;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestPort;
import io.unibloc.sandbox.spec.NetworkSpec;
import io.unibloc.testkit.guest.TestGuest;
import io.unibloc.types.NetworkMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest on the Pod network, with real parts: a Pod namespace whose eth0 is a veth to a node namespace, the
 * sandbox's Main run inside the Pod namespace, the Linux test guest serving HTTP with busybox httpd, and the request
 * made from the node namespace to the Pod's address, in {@code tap} and in {@code passt} mode. Teardown must leave no
 * tap, TC qdisc or passt process; a sandbox killed with -9 must be replaceable by a new one in the same namespace.
 */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "boots real guests in network namespaces; runs under failsafe (mvn verify)")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GuestNetworkIT {

    private static final int PORT = 8080;
    private static final String LISTENING = TestGuest.LINE_PREFIX + "httpd listening on port " + PORT;

    @TempDir
    Path dir;

    private PodNetns ns;

    @AfterEach
    void deleteNamespaces() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    private BootSpec httpGuest(TestGuest guest, NetworkMode mode) throws IOException {
        Path root = dir.resolve("root.img");
        if (!Files.exists(root)) {
            Files.write(root, new byte[1 << 20]);
        }
        return BootSpec.builder()
                .kernelHostPath(guest.kernel().toString())
                .initrdHostPath(guest.initramfs().toString())
                .rootDevice(root.toString())
                .readOnly(true)
                .putEnv(TestGuest.PARAM_HTTPD, Integer.toString(PORT))
                .network(new NetworkSpec(mode, List.of(new GuestPort(PORT, GuestPort.TCP))))
                .bootTimeoutSeconds(0)
                .build();
    }

    /** GET / from the node namespace (curl: the host busybox's wget crashes); the guest may need a moment after printing that it listens. */
    private PodNetns.Result getFromNode() throws Exception {
        PodNetns.Result result = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            result = ns.inNode("curl", "-sS", "--max-time", "5", "http://" + ns.podAddress + ":" + PORT + "/");
            if (result.ok()) {
                return result;
            }
            Thread.sleep(500);
        }
        return result;
    }

    @Test
    void tapGuestAnswersOnThePodAddressWithEth0sMacAndSurvivesAKilledSandbox() throws Exception {
        TestGuest guest = TestGuest.prepare();
        ns = PodNetns.create(PodNetns.Shape.IPV4);
        String mac = ns.eth0Mac();
        BootSpec spec = httpGuest(guest, NetworkMode.TAP);

        try (NetnsSandbox first = NetnsSandbox.start(ns, spec, dir.resolve("first"), List.of())) {
            assertThat(first.awaitConsole(LISTENING, 4))
                    .as("console: %s%nstderr: %s", first.console(), first.errors())
                    .isTrue();
            assertThat(first.console())
                    .contains(TestGuest.LINE_PREFIX + "eth0 mac " + mac)
                    .contains(TestGuest.LINE_PREFIX + "eth0 " + ns.podAddress + "/24");
            PodNetns.Result answer = getFromNode();
            assertThat(answer.output()).as("curl exit %s", answer.exitCode()).contains(TestGuest.HTTPD_GREETING);
            assertThat(ns.inNode("ip", "neigh", "show", ns.podAddress).output())
                    .as("the peer learnt the guest's MAC, which is eth0's")
                    .contains(mac);

            first.crash();
            assertThat(ns.inPod("ip", "link", "show", "dev", "tap0").ok())
                    .as("kill -9 leaves the tap behind (what the next sandbox must clean)")
                    .isTrue();
        }

        try (NetnsSandbox second = NetnsSandbox.start(ns, spec, dir.resolve("second"), List.of())) {
            assertThat(second.awaitConsole(LISTENING, 4))
                    .as("console: %s%nstderr: %s", second.console(), second.errors())
                    .isTrue();
            assertThat(second.errors()).contains("removing leftover tap0");
            assertThat(getFromNode().output()).contains(TestGuest.HTTPD_GREETING);

            assertThat(second.stop())
                    .as("SIGTERM exits 128+15; stderr: %s", second.errors())
                    .isEqualTo(143);
        }
        assertNothingLeft(dir.resolve("second"));
        assertThat(ns.inPod("tc", "filter", "show", "dev", "eth0", "ingress").output())
                .isBlank();
    }

    @Test
    void passtGuestAnswersOnThePodAddressAndLeavesNoProcess() throws Exception {
        TestGuest guest = TestGuest.prepare();
        ns = PodNetns.create(PodNetns.Shape.IPV4);
        // As /tmp in a container: others may pass through, so passt drops root to nobody as it wants to.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));

        try (NetnsSandbox sandbox =
                NetnsSandbox.start(ns, httpGuest(guest, NetworkMode.PASST), dir.resolve("passt"), List.of())) {
            assertThat(sandbox.awaitConsole(LISTENING, 4))
                    .as("console: %s%nstderr: %s", sandbox.console(), sandbox.errors())
                    .isTrue();
            assertThat(sandbox.console()).contains(TestGuest.LINE_PREFIX + "eth0 " + ns.podAddress + "/24");
            assertThat(sandbox.processesUsingDir()).as("passt runs").isNotEmpty();
            assertThat(sandbox.errors()).contains("--runas 65534:65534");
            PodNetns.Result answer = getFromNode();
            assertThat(answer.output()).as("curl exit %s", answer.exitCode()).contains(TestGuest.HTTPD_GREETING);

            assertThat(sandbox.stop())
                    .as("SIGTERM exits 128+15; stderr: %s", sandbox.errors())
                    .isEqualTo(143);
            assertThat(sandbox.processesUsingDir()).as("passt after teardown").isEmpty();
        }
        assertNothingLeft(dir.resolve("passt"));
    }

    private void assertNothingLeft(Path sandboxDir) throws Exception {
        assertThat(ns.inPod("ip", "link", "show", "dev", "tap0").ok())
                .as("tap0 removed")
                .isFalse();
        assertThat(ns.inPod("tc", "qdisc", "show", "dev", "eth0", "ingress").output())
                .as("no ingress qdisc on eth0")
                .doesNotContain("ingress");
        assertThat(ns.inPod("ip", "-o", "link").output().lines().count())
                .as("only lo and eth0 in the Pod namespace")
                .isEqualTo(2);
    }

    // --- errors: each one ends the sandbox with NetworkSetupFailed and no guest boot ---

    private String failingSetup(PodNetns.Shape shape, NetworkMode mode, List<String> wrapper, String... env)
            throws Exception {
        TestGuest guest = TestGuest.prepare();
        ns = PodNetns.create(shape);
        Path sandboxDir = dir.resolve("failing");
        try (NetnsSandbox sandbox = NetnsSandbox.start(ns, httpGuest(guest, mode), sandboxDir, wrapper, env)) {
            assertThat(sandbox.awaitExit(2)).as("stderr: %s", sandbox.errors()).isEqualTo(125);
            assertThat(sandbox.console()).as("no guest output").isEmpty();
            assertThat(sandbox.errors()).doesNotContain("started vmm");
            String message = sandbox.terminationMessage();
            assertThat(message).contains("\"reason\":\"NetworkSetupFailed\"");
            assertThat(ns.inPod("ip", "link", "show", "dev", "tap0").ok())
                    .as("no tap left")
                    .isFalse();
            return message;
        }
    }

    @Test
    void noTunDeviceSaysWhereItComesFromAndThatPasstNeedsNone() throws Exception {
        // A mount namespace in which /dev/net is empty: the container without the device plugin's device.
        String message = failingSetup(
                PodNetns.Shape.IPV4,
                NetworkMode.TAP,
                List.of(
                        "unshare",
                        "--mount",
                        "--propagation",
                        "private",
                        "sh",
                        "-c",
                        "mount -t tmpfs none /dev/net && exec \"$@\"",
                        "sh"));
        assertThat(message)
                .contains("no /dev/net/tun")
                .contains("unibloc.io/kvm")
                .contains("mode: passt");
    }

    @Test
    void noNetAdminNamesTheCapability() throws Exception {
        String message = failingSetup(
                PodNetns.Shape.IPV4,
                NetworkMode.TAP,
                List.of("setpriv", "--bounding-set", "-net_admin", "--inh-caps", "-net_admin", "--"));
        assertThat(message).contains("no CAP_NET_ADMIN").contains("NET_ADMIN").contains("mode: passt");
    }

    @Test
    void noEth0SaysThePodHasNoNetwork() throws Exception {
        String message = failingSetup(PodNetns.Shape.NO_ETH0, NetworkMode.TAP, List.of());
        assertThat(message).contains("no eth0").contains("mode: none");
    }

    @Test
    void ipv6OnlyPodSaysWhatIsSupported() throws Exception {
        String message = failingSetup(PodNetns.Shape.IPV6_ONLY, NetworkMode.TAP, List.of());
        assertThat(message).contains("IPv6-only").contains("not supported").contains("passt");
    }

    @Test
    void passtMissingSaysSoAndOffersTap() throws Exception {
        String message = failingSetup(
                PodNetns.Shape.IPV4, NetworkMode.PASST, List.of(), NetworkOptions.ENV_PASST, "/nonexistent/passt");
        assertThat(message).contains("passt is not installed").contains("mode: tap");
    }
}
