package io.unibloc.sandbox.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a Pod's network, made of real parts: a "Pod" network namespace whose {@code eth0} is one end of a
 * veth pair, and a "node" namespace holding the other end (the Pod's gateway). Names and the /24 are random, so
 * parallel runs do not meet; {@link #close()} deletes both namespaces (and with them the veth pair and anything a
 * test left in them). Traffic stays inside these namespaces.
 */
final class PodNetns implements AutoCloseable {

    /** What the Pod's eth0 gets. */
    enum Shape {
        IPV4,
        IPV6_ONLY,
        NO_ETH0
    }

    final String pod;
    final String node;
    final String podAddress;
    final String gateway;

    private PodNetns(String pod, String node, String podAddress, String gateway) {
        this.pod = pod;
        this.node = node;
        this.podAddress = podAddress;
        this.gateway = gateway;
    }

    static PodNetns create(Shape shape) throws IOException, InterruptedException {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        String subnet = "10." + ThreadLocalRandom.current().nextInt(200, 250) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        PodNetns ns = new PodNetns("ubpod" + id, "ubnode" + id, subnet + ".2", subnet + ".1");
        try {
            run("ip", "netns", "add", ns.pod);
            run("ip", "netns", "add", ns.node);
            run("ip", "-n", ns.pod, "link", "set", "lo", "up");
            run("ip", "-n", ns.node, "link", "set", "lo", "up");
            if (shape == Shape.NO_ETH0) {
                return ns;
            }
            String podEnd = "ubp" + id;
            String nodeEnd = "ubn" + id;
            run("ip", "link", "add", podEnd, "type", "veth", "peer", "name", nodeEnd);
            run("ip", "link", "set", podEnd, "netns", ns.pod);
            run("ip", "link", "set", nodeEnd, "netns", ns.node);
            run("ip", "-n", ns.pod, "link", "set", podEnd, "name", "eth0");
            if (shape == Shape.IPV4) {
                run("ip", "-n", ns.pod, "addr", "add", ns.podAddress + "/24", "dev", "eth0");
                run("ip", "-n", ns.node, "addr", "add", ns.gateway + "/24", "dev", nodeEnd);
            } else {
                run("ip", "-n", ns.pod, "addr", "add", "fd00:" + id.substring(2) + "::2/64", "dev", "eth0", "nodad");
                run("ip", "-n", ns.node, "addr", "add", "fd00:" + id.substring(2) + "::1/64", "dev", nodeEnd, "nodad");
            }
            run("ip", "-n", ns.pod, "link", "set", "eth0", "up");
            run("ip", "-n", ns.node, "link", "set", nodeEnd, "up");
            if (shape == Shape.IPV4) {
                run("ip", "-n", ns.pod, "route", "add", "default", "via", ns.gateway);
            }
            return ns;
        } catch (IOException | InterruptedException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** eth0's MAC address in the Pod namespace. */
    String eth0Mac() throws IOException, InterruptedException {
        String out = run("ip", "-n", pod, "-o", "link", "show", "dev", "eth0");
        int at = out.indexOf("link/ether ");
        return out.substring(at + "link/ether ".length()).split("\\s+")[0];
    }

    /** Runs a command inside the Pod namespace and returns its output (whatever the exit status). */
    Result inPod(String... command) throws IOException, InterruptedException {
        return exec(pod, command);
    }

    /** Runs a command inside the node namespace (the Pod's peer) and returns its output. */
    Result inNode(String... command) throws IOException, InterruptedException {
        return exec(node, command);
    }

    private static Result exec(String ns, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(command));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("`" + String.join(" ", argv) + "` hung");
        }
        return new Result(process.exitValue(), output);
    }

    /** A finished command. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        runQuietly("ip", "netns", "del", pod);
        runQuietly("ip", "netns", "del", node);
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("`" + String.join(" ", command) + "` failed: " + output.strip());
        }
        return output;
    }

    private static void runQuietly(String... command) throws InterruptedException {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            // best effort: the namespace may never have been made
        }
    }
}
