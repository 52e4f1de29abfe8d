package io.unibloc.sandbox.net;

import io.unibloc.sandbox.launch.GuestAddress;
import io.unibloc.sandbox.launch.GuestNetwork;
import io.unibloc.sandbox.launch.GuestNic;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestNetConfig;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolResult;
import io.unibloc.types.NetworkMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a guest to the Pod's network: resolves {@code auto}, reads the Pod's network, checks that the guest can
 * be told what it needs, and attaches the data path. Every failure is a {@link NetworkSetupException} whose message
 * names the cause and the fix, raised before any guest boots.
 */
public final class GuestNetworking {

    private static final Logger LOG = LoggerFactory.getLogger(GuestNetworking.class);
    /** CAP_NET_ADMIN's bit in /proc/self/status's CapEff. */
    private static final int CAP_NET_ADMIN = 12;

    private final NetworkOptions options;
    private final NetTools tools;

    public GuestNetworking(NetworkOptions options) {
        this.options = options;
        this.tools = new NetTools(new ProcessRunner(Duration.ofSeconds(30)));
    }

    /**
     * Sets up the host end of the guest's NIC for a resolved spec whose network mode is not {@code none}.
     *
     * @param workDir the boot's work directory (passt's socket goes there)
     * @throws NetworkSetupException naming the cause and the fix; nothing is left behind
     */
    public NetworkAttachment attach(BootSpec spec, Path workDir) throws NetworkSetupException {
        NetworkMode mode = resolve(spec);
        PodNetwork pod = new PodNetworkReader(tools, options).read();
        GuestAddress address = address(spec, mode, pod);
        return switch (mode) {
            case TAP -> new TapDataPath(tools, options).attach(pod, address);
            case PASST ->
                new PasstDataPath(options).attach(pod, address, spec.network().ports(), workDir);
            default -> throw new IllegalStateException("no data path for network mode " + mode);
        };
    }

    /**
     * The NIC and address a boot would get, without creating anything (for {@code --print-command}); the Pod's
     * network is read, so a missing interface still fails.
     */
    public GuestNetwork preview(BootSpec spec, Path workDir) throws NetworkSetupException {
        NetworkMode mode = resolve(spec);
        PodNetwork pod = new PodNetworkReader(tools, options).read();
        GuestAddress address = address(spec, mode, pod);
        GuestNic nic = mode == NetworkMode.TAP
                ? new GuestNic.Tap(
                        options.tapName(), false, pod.iface().mac(), pod.iface().mtu())
                : new GuestNic.Stream(
                        workDir.resolve("passt.sock"), null, pod.iface().mtu());
        return new GuestNetwork(nic, address);
    }

    /** The spec's mode, with {@code auto} decided here: tap where allowed, else passt, else an error saying why. */
    NetworkMode resolve(BootSpec spec) throws NetworkSetupException {
        NetworkMode mode = spec.network().effectiveMode();
        if (mode != NetworkMode.AUTO) {
            return mode;
        }
        boolean dhcp = spec.network().effectiveGuestConfig(spec.guest()) == GuestNetConfig.DHCP;
        Optional<String> noTap = dhcp ? Optional.of("the guest configures itself by DHCP") : tapUnavailable();
        if (noTap.isEmpty()) {
            LOG.info("network mode auto: tap ({} and CAP_NET_ADMIN present)", options.tunDevice());
            return NetworkMode.TAP;
        }
        if (options.passtInstalled()) {
            LOG.info("network mode auto: passt (no tap: {})", noTap.get());
            return NetworkMode.PASST;
        }
        throw new NetworkSetupException("network mode auto found no data path: not tap (" + noTap.get()
                + "), not passt (no " + options.passtBinary() + " on PATH); install passt, or give the sandbox "
                + options.tunDevice() + " and CAP_NET_ADMIN");
    }

    private Optional<String> tapUnavailable() {
        if (!Files.exists(options.tunDevice())) {
            return Optional.of("no " + options.tunDevice());
        }
        if (!hasNetAdmin()) {
            return Optional.of("no CAP_NET_ADMIN");
        }
        return Optional.empty();
    }

    /** What the guest's command line carries, after checking the Pod has what that needs. */
    private GuestAddress address(BootSpec spec, NetworkMode mode, PodNetwork pod) throws NetworkSetupException {
        GuestNetConfig config = spec.network().effectiveGuestConfig(spec.guest());
        if (pod.iface().ipv4().isPresent()) {
            return config == GuestNetConfig.CMDLINE ? pod.guestAddress() : null;
        }
        boolean passtDhcp = mode == NetworkMode.PASST && config == GuestNetConfig.DHCP;
        if (passtDhcp || config == GuestNetConfig.NONE) {
            return null;
        }
        String v6 = pod.iface().globalIpv6().stream().map(IpAddress::toString).collect(Collectors.joining(", "));
        throw new NetworkSetupException(pod.iface().name() + " has no IPv4 address"
                + (v6.isEmpty() ? "" : " (IPv6-only Pod: " + v6 + ")")
                + ": IPv6-only is not supported in tap mode or on the kernel command line yet; use a dual-stack or"
                + " IPv4 Pod network, or spec.network.mode: passt with a guest that configures itself by DHCPv6/SLAAC"
                + " (image label io.unibloc.net=dhcp)");
    }

    /**
     * The interface of this namespace's IPv4 default route, which a local run's guest takes as its "Pod" interface
     * ({@code unibloc run --net user} on a host whose interface is not called eth0).
     */
    public static Optional<String> defaultRouteInterface() {
        try {
            ToolResult route = new ProcessRunner(Duration.ofSeconds(10))
                    .run(List.of("ip", "-j", "-4", "route", "show", "default"));
            if (!route.ok()) {
                return Optional.empty();
            }
            if (JsonTree.parse(route.stdout()) instanceof List<?> entries) {
                for (Object entry : entries) {
                    String dev = JsonTree.text(entry, "dev", null);
                    if (dev != null) {
                        return Optional.of(dev);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("no default route: {}", e.getMessage());
        }
        return Optional.empty();
    }

    /** Whether this process holds CAP_NET_ADMIN (in the namespace that owns its network namespace). */
    static boolean hasNetAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(
                            line.substring("CapEff:".length()).strip(), 16);
                    return (caps & (1L << CAP_NET_ADMIN)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("cannot read capabilities: {}", e.getMessage());
        }
        return false;
    }
}
