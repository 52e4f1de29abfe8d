package io.unibloc.cli.bench;

import io.unibloc.sandbox.net.NetworkOptions;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.sandbox.spec.GuestPort;
import io.unibloc.sandbox.spec.NetworkSpec;
import io.unibloc.types.NetworkMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code unibloc bench --network}: one HTTP server, busybox httpd, reached from a peer network namespace through
 * three paths in one run: as a plain process in a "Pod" namespace (the container baseline), and inside the Linux
 * test guest booted by the sandbox in that namespace with the {@code tap} and the {@code passt} data path. Per path:
 * COUNT small responses (sequential, one connection each) and a few transfers of a BLOB-MiB file. Everything stays
 * inside the two namespaces the bench makes and deletes.
 *
 * <p>Guest processing and path latency are told apart by the TCP handshake: {@link HttpLoad} times {@code
 * connect()} separately, which completes on the guest kernel's SYN-ACK (path + kernel, no user space), so total
 * minus connect is what the guest's user space (httpd forking a child under TCG) adds.
 */
final class NetworkBench {

    static final String SCENARIO_SMALL = "network: small HTTP response";
    static final String SCENARIO_BLOB = "network: %d MiB transfer";
    static final String CONTAINER = "container (busybox httpd in a netns)";
    static final String TAP = "guest, tap";
    static final String PASST = "guest, passt";
    private static final int PORT = 8080;
    private static final String LISTENING = "httpd listening on port " + PORT;

    private final Path work;
    private final Path kernel;
    private final Path initrd;
    private final int requests;
    private final int blobMiB;
    private final int blobRepeats;

    NetworkBench(Path work, Path kernel, Path initrd, int requests, int blobMiB, int blobRepeats) {
        this.work = work;
        this.kernel = kernel;
        this.initrd = initrd;
        this.requests = requests;
        this.blobMiB = blobMiB;
        this.blobRepeats = blobRepeats;
    }

    /** What one path gave. */
    record PathResult(String variant, List<Sample> small, List<Sample> blob) {}

    /** One request: total and connect time, bytes, and whether it was a 200 with the whole body. */
    record Sample(long totalNanos, long connectNanos, long bytes, boolean ok) {}

    List<PathResult> run() throws IOException, InterruptedException {
        Files.createDirectories(work);
        List<PathResult> results = new ArrayList<>();
        results.add(measure(CONTAINER, null));
        results.add(measure(TAP, NetworkMode.TAP));
        results.add(measure(PASST, NetworkMode.PASST));
        return results;
    }

    private PathResult measure(String variant, NetworkMode mode) throws IOException, InterruptedException {
        try (Namespaces ns = Namespaces.create()) {
            Process server = mode == null ? container(ns) : guest(ns, mode);
            try {
                List<Sample> small = load(ns, "/index.html", requests);
                List<Sample> blob = load(ns, "/blob", blobRepeats);
                System.err.printf(
                        "bench: network %s: %d small, %d blob requests done%n", variant, small.size(), blob.size());
                return new PathResult(variant, small, blob);
            } finally {
                server.destroy();
                if (!server.waitFor(3, TimeUnit.MINUTES)) {
                    server.destroyForcibly();
                    server.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** busybox httpd as a plain process in the Pod namespace, serving the same files the guest serves. */
    private Process container(Namespaces ns) throws IOException, InterruptedException {
        Path www = work.resolve("www");
        Files.createDirectories(www);
        Files.writeString(www.resolve("index.html"), "hello from the unibloc test guest\n");
        Path blob = www.resolve("blob");
        if (!Files.exists(blob) || Files.size(blob) != (long) blobMiB << 20) {
            Namespaces.run("dd", "if=/dev/zero", "of=" + blob, "bs=1M", "count=" + blobMiB, "status=none");
        }
        Process httpd = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        ns.pod,
                        "busybox",
                        "httpd",
                        "-f",
                        "-p",
                        Integer.toString(PORT),
                        "-h",
                        www.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("container-httpd.log").toFile())
                .start();
        waitForPort(ns);
        return httpd;
    }

    /** The Linux test guest serving HTTP, booted by the sandbox's Main inside the Pod namespace. */
    private Process guest(Namespaces ns, NetworkMode mode) throws IOException, InterruptedException {
        Path root = work.resolve("root.img");
        if (!Files.exists(root)) {
            Files.write(root, new byte[1 << 20]);
        }
        BootSpec spec = BootSpec.builder()
                .kernelHostPath(kernel.toString())
                .initrdHostPath(initrd.toString())
                .rootDevice(root.toString())
                .readOnly(true)
                .memoryMiB(256 + blobMiB * 2)
                .putEnv("unibloc_httpd", Integer.toString(PORT))
                .putEnv("unibloc_httpd_blob_mib", Integer.toString(blobMiB))
                .network(new NetworkSpec(mode, List.of(new GuestPort(PORT, GuestPort.TCP))))
                .bootTimeoutSeconds(0)
                .build();
        Path specFile = work.resolve("spec-" + mode.id() + ".json");
        Files.writeString(specFile, new BootSpecReader().write(spec));
        Path resolv = work.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + ns.gateway + "\n");
        Path console = work.resolve("console-" + mode.id() + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        ns.pod,
                        javaBinary(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.unibloc.sandbox.Main",
                        "--accel",
                        "tcg",
                        "--grace",
                        "30",
                        "--spec",
                        specFile.toString())
                .redirectOutput(console.toFile())
                .redirectError(work.resolve("sandbox-" + mode.id() + ".log").toFile());
        builder.environment().put(NetworkOptions.ENV_RESOLV_CONF, resolv.toString());
        Process sandbox = builder.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.readString(console).contains(LISTENING)) {
            if (!sandbox.isAlive() || System.nanoTime() > deadline) {
                sandbox.destroyForcibly();
                throw new IOException("the " + mode.id() + " guest did not start serving HTTP (console in " + console
                        + ", sandbox log next to it)");
            }
            Thread.sleep(200);
        }
        waitForPort(ns);
        return sandbox;
    }

    private void waitForPort(Namespaces ns) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            List<Sample> probe = load(ns, "/index.html", 1);
            if (!probe.isEmpty() && probe.get(0).ok()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("nothing answers HTTP on " + ns.podAddress + ":" + PORT);
    }

    /** Runs {@link HttpLoad} in the peer namespace. */
    private List<Sample> load(Namespaces ns, String path, int count) throws IOException, InterruptedException {
        Process client = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        ns.node,
                        javaBinary(),
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        HttpLoad.class.getName(),
                        ns.podAddress,
                        Integer.toString(PORT),
                        path,
                        Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!client.waitFor(30, TimeUnit.MINUTES)) {
            client.destroyForcibly();
            throw new IOException("the HTTP client hung");
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 4) {
                samples.add(new Sample(
                        Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3].equals("ok")));
            }
        }
        return samples;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A "Pod" namespace whose eth0 is a veth to a "node" namespace; random names and /24, deleted on close. */
    static final class Namespaces implements AutoCloseable {
        final String pod;
        final String node;
        final String podAddress;
        final String gateway;

        private Namespaces(String pod, String node, String podAddress, String gateway) {
            this.pod = pod;
            this.node = node;
            this.podAddress = podAddress;
            this.gateway = gateway;
        }

        static Namespaces create() throws IOException, InterruptedException {
            String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
            String net = "10." + ThreadLocalRandom.current().nextInt(200, 250) + "."
                    + ThreadLocalRandom.current().nextInt(1, 255);
            Namespaces ns = new Namespaces("ubbpod" + id, "ubbnode" + id, net + ".2", net + ".1");
            try {
                run("ip", "netns", "add", ns.pod);
                run("ip", "netns", "add", ns.node);
                run("ip", "link", "add", "ubbp" + id, "type", "veth", "peer", "name", "ubbn" + id);
                run("ip", "link", "set", "ubbp" + id, "netns", ns.pod);
                run("ip", "link", "set", "ubbn" + id, "netns", ns.node);
                run("ip", "-n", ns.pod, "link", "set", "ubbp" + id, "name", "eth0");
                run("ip", "-n", ns.pod, "addr", "add", ns.podAddress + "/24", "dev", "eth0");
                run("ip", "-n", ns.node, "addr", "add", ns.gateway + "/24", "dev", "ubbn" + id);
                for (String[] up :
                        new String[][] {{ns.pod, "lo"}, {ns.pod, "eth0"}, {ns.node, "lo"}, {ns.node, "ubbn" + id}}) {
                    run("ip", "-n", up[0], "link", "set", up[1], "up");
                }
                run("ip", "-n", ns.pod, "route", "add", "default", "via", ns.gateway);
                return ns;
            } catch (IOException | InterruptedException | RuntimeException e) {
                ns.close();
                throw e;
            }
        }

        @Override
        public void close() {
            for (String name : List.of(pod, node)) {
                try {
                    run("ip", "netns", "del", name);
                } catch (IOException | InterruptedException e) {
                    System.err.println("bench: cannot delete network namespace " + name + ": " + e.getMessage());
                }
            }
        }

        static void run(String... command) throws IOException, InterruptedException {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("`" + String.join(" ", command) + "` failed: " + output.strip());
            }
        }
    }
}
