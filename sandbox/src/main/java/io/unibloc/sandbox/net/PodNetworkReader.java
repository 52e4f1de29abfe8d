package io.unibloc.sandbox.net;

import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Pod's network in the current network namespace from iproute2's JSON output ({@code ip -j addr show},
 * {@code ip -j route show default}) and {@code /etc/resolv.conf}. iproute2 rather than netlink from Java: the JDK
 * has no netlink, a netlink library would be native code in the sandbox for two reads, and {@code ip -j}'s JSON is
 * a stable, documented format; {@code /sys/class/net} has MAC and MTU but no addresses or routes. The JSON is read
 * with Jackson's streaming parser ({@link JsonTree}), not data binding: this runs before the VMM starts.
 */
public final class PodNetworkReader {

    private final NetTools tools;
    private final NetworkOptions options;

    PodNetworkReader(NetTools tools, NetworkOptions options) {
        this.tools = tools;
        this.options = options;
    }

    /** @throws NetworkSetupException when the interface does not exist or iproute2's output cannot be read */
    public PodNetwork read() throws NetworkSetupException {
        String name = options.interfaceName();
        ToolResult addr = tools.ip("-j", "addr", "show", "dev", name);
        if (!addr.ok()) {
            if (addr.stderr().contains("does not exist")) {
                throw new NetworkSetupException("no " + name + " in the sandbox's network namespace (the Pod has no"
                        + " network interface: hostNetwork, or a CNI that names it differently, see "
                        + NetworkOptions.ENV_INTERFACE + "): give the Pod a network, or set spec.network.mode: none");
            }
            throw new NetworkSetupException("cannot read " + name + ": " + addr.describe());
        }
        PodInterface iface = parseInterface(name, addr.stdout());
        ToolResult route = tools.ip("-j", "-4", "route", "show", "default");
        String gateway = route.ok() ? parseGateway(route.stdout(), name) : null;
        return new PodNetwork(iface, gateway, resolvConf(), hostname());
    }

    static PodInterface parseInterface(String name, String json) throws NetworkSetupException {
        try {
            if (!(JsonTree.parse(json) instanceof List<?> links) || links.isEmpty()) {
                throw new NetworkSetupException("ip -j addr show dev " + name + " listed no interface");
            }
            Object link = links.get(0);
            List<IpAddress> addresses = new ArrayList<>();
            for (Object info : JsonTree.list(link, "addr_info")) {
                String family = JsonTree.text(info, "family", "");
                if (!family.equals("inet") && !family.equals("inet6")) {
                    continue;
                }
                addresses.add(new IpAddress(
                        family.equals("inet6"),
                        JsonTree.text(info, "local", ""),
                        JsonTree.integer(info, "prefixlen", 0),
                        JsonTree.text(info, "scope", "global")));
            }
            return new PodInterface(
                    name, JsonTree.text(link, "address", ""), JsonTree.integer(link, "mtu", 1500), addresses);
        } catch (IOException e) {
            throw new NetworkSetupException("cannot parse iproute2's JSON for " + name + ": " + e.getMessage(), e);
        }
    }

    /** The gateway of the first default route through {@code name}, or {@code null}. */
    static String parseGateway(String json, String name) throws NetworkSetupException {
        try {
            if (!(JsonTree.parse(json) instanceof List<?> routes)) {
                return null;
            }
            for (Object route : routes) {
                String gateway = JsonTree.text(route, "gateway", null);
                if (gateway != null && name.equals(JsonTree.text(route, "dev", name))) {
                    return gateway;
                }
            }
            return null;
        } catch (IOException e) {
            throw new NetworkSetupException("cannot parse iproute2's route JSON: " + e.getMessage(), e);
        }
    }

    private ResolvConf resolvConf() throws NetworkSetupException {
        try {
            return ResolvConf.parse(Files.readString(options.resolvConf(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return ResolvConf.empty();
        } catch (IOException e) {
            throw new NetworkSetupException("cannot read " + options.resolvConf() + ": " + e.getMessage(), e);
        }
    }

    private String hostname() {
        try {
            String name = Files.readString(options.hostnameFile(), StandardCharsets.UTF_8)
                    .strip();
            return name.isEmpty() ? null : name;
        } catch (IOException e) {
            return null;
        }
    }
}
