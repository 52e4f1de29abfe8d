package io.unibloc.sandbox.net;

import io.unibloc.sandbox.launch.GuestAddress;
import io.unibloc.sandbox.launch.GuestNetwork;
import io.unibloc.sandbox.launch.GuestNic;
import io.unibloc.sandbox.tool.ToolResult;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tap} data path, the pattern of Kata's {@code tcfilter} and urunc: a tap next to the Pod's eth0, and a
 * TC ingress qdisc on each with a match-all u32 filter whose action is {@code mirred egress redirect} to the other.
 * Every frame that reaches eth0 leaves through the tap to the guest and every frame from the guest leaves through
 * eth0, unchanged; no bridge, no NAT, and the guest NIC carries eth0's MAC, so anti-spoofing CNIs see the MAC and
 * address they assigned.
 *
 * <p>eth0 keeps its address. The namespace's own stack no longer receives anything on eth0 (its ingress is
 * redirected), so the address is inert there; keeping it lets a restarted sandbox read it again (after a flush
 * nothing would say what the Pod's address is), and leaves CNI DEL/CHECK and kubelet's view of the Pod unchanged.
 * The price: connections that start inside the Pod's namespace itself (an exec'd {@code curl localhost}, {@code
 * kubectl port-forward}) reach the namespace's stack, not the guest.
 *
 * <p>Setup first removes a tap of the same name and eth0's ingress qdisc (with its filters) if a killed sandbox left
 * them; teardown removes the tap (its own qdisc goes with it) and eth0's ingress qdisc.
 */
final class TapDataPath {

    private static final Logger LOG = LoggerFactory.getLogger(TapDataPath.class);

    private final NetTools tools;
    private final NetworkOptions options;

    TapDataPath(NetTools tools, NetworkOptions options) {
        this.tools = tools;
        this.options = options;
    }

    /**
     * Creates and wires the tap.
     *
     * @param address what the guest's command line carries, or {@code null}
     * @throws NetworkSetupException naming the missing device or capability; nothing is left behind
     */
    NetworkAttachment attach(PodNetwork pod, GuestAddress address) throws NetworkSetupException {
        if (!Files.exists(options.tunDevice())) {
            throw new NetworkSetupException("no " + options.tunDevice() + " in the sandbox: the unibloc device plugin"
                    + " hands it out with unibloc.io/kvm (request that resource); or set spec.network.mode: passt");
        }
        String eth = pod.iface().name();
        String tap = options.tapName();
        removeLeftovers(eth, tap);
        Attachment attachment = new Attachment(
                eth,
                tap,
                new GuestNetwork(
                        new GuestNic.Tap(
                                tap,
                                vhostUsable(),
                                pod.iface().mac(),
                                pod.iface().mtu()),
                        address));
        try {
            tools.change("creating " + tap, tools.ip("tuntap", "add", "dev", tap, "mode", "tap"));
            tools.change(
                    "bringing " + tap + " up",
                    tools.ip(
                            "link",
                            "set",
                            "dev",
                            tap,
                            "mtu",
                            Integer.toString(pod.iface().mtu()),
                            "up"));
            redirect(eth, tap);
            redirect(tap, eth);
        } catch (NetworkSetupException | RuntimeException e) {
            attachment.close();
            throw e;
        }
        LOG.info(
                "network tap: {} <-> {} by TC redirect, guest mac={} mtu={} vhost={}",
                eth,
                tap,
                pod.iface().mac(),
                pod.iface().mtu(),
                vhostUsable());
        return attachment;
    }

    private void redirect(String from, String to) throws NetworkSetupException {
        tools.change("adding an ingress qdisc to " + from, tools.tc("qdisc", "add", "dev", from, "ingress"));
        tools.change(
                "redirecting " + from + " to " + to,
                tools.tc(
                        "filter",
                        "add",
                        "dev",
                        from,
                        "parent",
                        "ffff:",
                        "protocol",
                        "all",
                        "u32",
                        "match",
                        "u8",
                        "0",
                        "0",
                        "action",
                        "mirred",
                        "egress",
                        "redirect",
                        "dev",
                        to));
    }

    private void removeLeftovers(String eth, String tap) throws NetworkSetupException {
        if (tools.ip("link", "show", "dev", tap).ok()) {
            LOG.info("removing leftover {} (a previous sandbox in this Pod did not clean up)", tap);
            tools.change("removing the leftover " + tap, tools.ip("link", "del", "dev", tap));
        }
        ToolResult qdiscs = tools.tc("qdisc", "show", "dev", eth, "ingress");
        if (qdiscs.ok() && qdiscs.stdout().contains("ingress")) {
            LOG.info("removing leftover ingress qdisc on {}", eth);
            tools.change(
                    "removing the leftover ingress qdisc of " + eth, tools.tc("qdisc", "del", "dev", eth, "ingress"));
        }
    }

    private boolean vhostUsable() {
        return Files.isReadable(options.vhostDevice()) && Files.isWritable(options.vhostDevice());
    }

    /** Removes the tap and eth0's ingress qdisc, once. */
    private final class Attachment implements NetworkAttachment {
        private final String eth;
        private final String tap;
        private final GuestNetwork guest;
        private final AtomicBoolean closed = new AtomicBoolean();

        Attachment(String eth, String tap, GuestNetwork guest) {
            this.eth = eth;
            this.tap = tap;
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
            try {
                if (tools.ip("link", "show", "dev", tap).ok()) {
                    ToolResult del = tools.ip("link", "del", "dev", tap);
                    if (!del.ok()) {
                        LOG.warn("cannot remove {}: {}", tap, del.describe());
                    }
                }
                ToolResult qdiscs = tools.tc("qdisc", "show", "dev", eth, "ingress");
                if (qdiscs.ok() && qdiscs.stdout().contains("ingress")) {
                    ToolResult del = tools.tc("qdisc", "del", "dev", eth, "ingress");
                    if (!del.ok()) {
                        LOG.warn("cannot remove the ingress qdisc of {}: {}", eth, del.describe());
                    }
                }
                LOG.info("network tap: removed {} and the redirects on {}", tap, eth);
            } catch (NetworkSetupException e) {
                LOG.warn("network teardown incomplete: {}", e.getMessage());
            }
        }
    }
}
