package io.unibloc.sandbox.net;

import io.unibloc.sandbox.launch.GuestAddress;
import io.unibloc.sandbox.launch.GuestNetwork;
import io.unibloc.sandbox.launch.GuestNic;
import io.unibloc.sandbox.spec.GuestPort;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code passt} data path: a passt process in the Pod's network namespace, connected to QEMU by a UNIX stream
 * socket ({@code -netdev stream}, QEMU 7.2). passt terminates the guest's TCP/UDP in user space and speaks from the
 * Pod's own sockets, so it needs no capability and no device; it gives the guest the Pod's address (by DHCP, or
 * the guest is told on its command line) and listens on the Pod's address for the spec's ports ({@code -t}/{@code
 * -u}), forwarding them to the guest.
 *
 * <p>No ports in the spec forwards none inbound: passt's {@code all} binds every non-ephemeral port, which runs
 * out of file descriptors in a container; the guest can still connect out. Declare the ports the guest serves.
 *
 * <p>passt runs in the foreground ({@code -f}) as the sandbox's child, in one-off mode ({@code -1}: it quits when
 * QEMU disconnects, so it cannot outlive the guest even if the sandbox is killed); teardown also ends it. The guest
 * NIC keeps QEMU's default MAC: passt answers ARP with eth0's MAC as the gateway's, so the guest must not use it.
 */
final class PasstDataPath {

    private static final Logger LOG = LoggerFactory.getLogger(PasstDataPath.class);
    private static final int OUTPUT_LINES_KEPT = 20;
    /**
     * The user passt runs as when started by root: passt drops root before it binds its socket, so the socket's
     * directory must belong to that user (the boot's work directory is root's, mode 0700). Given by number, so it
     * does not depend on the image's /etc/passwd.
     */
    static final int NOBODY = 65534;

    private final NetworkOptions options;

    PasstDataPath(NetworkOptions options) {
        this.options = options;
    }

    /** @throws NetworkSetupException when passt is missing or does not start listening in time */
    NetworkAttachment attach(PodNetwork pod, GuestAddress address, List<GuestPort> ports, Path workDir)
            throws NetworkSetupException {
        requireBinary(options.passtBinary());
        SocketPlace place = socketPlace(workDir, isRoot());
        Path socket = place.socket();
        List<String> argv = argv(options.passtBinary(), pod, ports, options.published(), socket);
        argv.addAll(1, place.runas());
        LOG.info("network passt: {}", String.join(" ", argv));
        Process process;
        try {
            process = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new NetworkSetupException(
                    "cannot start passt (" + options.passtBinary() + "): " + e.getMessage()
                            + "; install the Debian package passt, or set spec.network.mode: tap",
                    e);
        }
        Deque<String> output = new ArrayDeque<>();
        Thread pump = new Thread(() -> drain(process, output), "passt-output");
        pump.setDaemon(true);
        pump.start();
        Attachment attachment = new Attachment(
                process,
                new GuestNetwork(new GuestNic.Stream(socket, null, pod.iface().mtu()), address));
        long deadline = System.nanoTime() + options.passtStartTimeout().toNanos();
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                attachment.close();
                String said;
                synchronized (output) {
                    said = String.join(" | ", output);
                }
                throw new NetworkSetupException("passt did not start listening on " + socket
                        + (process.isAlive()
                                ? " within " + options.passtStartTimeout().toSeconds() + " s"
                                : "")
                        + (said.isEmpty() ? "" : ": " + said));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                attachment.close();
                throw new NetworkSetupException("interrupted while waiting for passt", e);
            }
        }
        LOG.info("network passt: pid={} socket={} ports={}", process.pid(), socket, portSpec(ports, GuestPort.TCP));
        return attachment;
    }

    /**
     * Where passt creates its socket, and the user it runs as. Started by root, passt drops to {@value #NOBODY} before
     * it binds, so its directory must belong to that user and every directory above must let others through. The
     * boot's work directory is made traversable (0711: others cannot list it) and gets a {@code passt} directory
     * {@value #NOBODY} owns; when a directory further up is closed to others, passt keeps root instead ({@code
     * --runas 0}) — it still drops every capability and isolates itself in its own namespaces.
     */
    private static SocketPlace socketPlace(Path workDir, boolean root) throws NetworkSetupException {
        if (!root) {
            return new SocketPlace(workDir.resolve("passt.sock"), List.of());
        }
        Path dir = workDir.resolve("passt");
        for (Path up = workDir.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
            if (!othersMayTraverse(up)) {
                // passt drops its capabilities before it binds, so even as root it needs a directory root owns.
                LOG.info("network passt: {} is closed to other users, so passt keeps root (--runas 0)", up);
                return new SocketPlace(workDir.resolve("passt.sock"), List.of("--runas", "0:0"));
            }
        }
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setAttribute(dir, "unix:uid", NOBODY);
            Files.setAttribute(dir, "unix:gid", NOBODY);
        } catch (IOException | UnsupportedOperationException e) {
            throw new NetworkSetupException(
                    "cannot prepare passt's socket directory " + dir + ": " + e.getMessage(), e);
        }
        return new SocketPlace(dir.resolve("passt.sock"), List.of("--runas", NOBODY + ":" + NOBODY));
    }

    private static boolean othersMayTraverse(Path dir) {
        try {
            return Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** passt's socket path and the options that say which user it runs as. */
    private record SocketPlace(Path socket, List<String> runas) {}

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static List<String> argv(String binary, PodNetwork pod, List<GuestPort> ports, Path socket) {
        return argv(binary, pod, ports, List.of(), socket);
    }

    /** passt's command line; {@code published} ports, when given, replace the guest's own ports. */
    static List<String> argv(
            String binary, PodNetwork pod, List<GuestPort> ports, List<PublishedPort> published, Path socket) {
        List<String> argv =
                new ArrayList<>(List.of(binary, "--foreground", "--one-off", "--socket", socket.toString()));
        PodInterface iface = pod.iface();
        argv.addAll(List.of("--interface", iface.name(), "--mtu", Integer.toString(iface.mtu())));
        iface.ipv4()
                .ifPresent(ipv4 -> argv.addAll(
                        List.of("--address", ipv4.address(), "--netmask", Integer.toString(ipv4.prefix()))));
        if (pod.gateway4() != null) {
            argv.addAll(List.of("--gateway", pod.gateway4()));
        }
        for (String dns : pod.dns().nameservers()) {
            argv.addAll(List.of("--dns", dns));
        }
        if (!pod.dns().search().isEmpty()) {
            argv.addAll(List.of("--search", String.join(" ", pod.dns().search())));
        }
        if (published.isEmpty()) {
            argv.addAll(List.of("--tcp-ports", portSpec(ports, GuestPort.TCP)));
            argv.addAll(List.of("--udp-ports", portSpec(ports, GuestPort.UDP)));
        } else {
            for (String protocol : List.of(GuestPort.TCP, GuestPort.UDP)) {
                String option = protocol.equals(GuestPort.TCP) ? "--tcp-ports" : "--udp-ports";
                List<PublishedPort> these = published.stream()
                        .filter(p -> p.protocol().equals(protocol))
                        .toList();
                if (these.isEmpty()) {
                    argv.addAll(List.of(option, "none"));
                }
                these.forEach(p -> argv.addAll(List.of(option, p.passtSpec())));
            }
        }
        return argv;
    }

    /** passt's port list for one protocol: {@code 80,443}, or {@code none}. */
    static String portSpec(List<GuestPort> ports, String protocol) {
        String list = ports.stream()
                .filter(p -> p.protocol().equals(protocol))
                .map(p -> Integer.toString(p.port()))
                .distinct()
                .collect(Collectors.joining(","));
        return list.isEmpty() ? "none" : list;
    }

    private void requireBinary(String binary) throws NetworkSetupException {
        if (!options.passtInstalled()) {
            throw new NetworkSetupException("passt is not installed in the sandbox (no " + binary
                    + (binary.contains("/") ? "" : " on PATH")
                    + "): use the unibloc sandbox image, which has the Debian package passt; or set"
                    + " spec.network.mode: tap");
        }
    }

    private static void drain(Process process, Deque<String> output) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("Failed to send")) {
                    continue; // passt also tries syslog, which a container does not have
                }
                LOG.debug("passt: {}", line);
                synchronized (output) {
                    output.addLast(line.strip());
                    if (output.size() > OUTPUT_LINES_KEPT) {
                        output.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("passt output ended: {}", e.getMessage());
        }
    }

    /** Ends passt, once. */
    private static final class Attachment implements NetworkAttachment {
        private final Process process;
        private final GuestNetwork guest;
        private final AtomicBoolean closed = new AtomicBoolean();

        Attachment(Process process, GuestNetwork guest) {
            this.process = process;
            this.guest = guest;
        }

        @Override
        public GuestNetwork guest() {
            return guest;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            LOG.info("network passt: pid={} ended", process.pid());
        }
    }
}
