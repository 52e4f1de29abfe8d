package io.unibloc.cli.run;

import io.unibloc.sandbox.net.GuestNetworking;
import io.unibloc.sandbox.net.NetworkOptions;
import io.unibloc.sandbox.net.PublishedPort;
import io.unibloc.sandbox.spec.GuestPort;
import io.unibloc.sandbox.spec.NetworkSpec;
import io.unibloc.types.NetworkMode;
import java.util.List;
import java.util.Map;

/**
 * {@code unibloc run}'s network: {@code --net none|user|tap} and {@code -p HOSTPORT:GUESTPORT}.
 *
 * <ul>
 *   <li>{@code none} (the default without {@code -p}): no NIC, as before.
 *   <li>{@code user} (the default with {@code -p}): the sandbox's passt data path in this host's network namespace.
 *       The guest takes the address of the interface of the default route (as a Pod's guest takes eth0's) and passt
 *       listens on 127.0.0.1:HOSTPORT for each {@code -p}, forwarding to GUESTPORT. passt rather than QEMU's own user
 *       networking: it is the path Pods use, already tested, faster, and it binds only what {@code -p} names.
 *   <li>{@code tap}: the tap data path on the current namespace's eth0 ({@code UNIBLOC_POD_INTERFACE} names
 *       another): meant for a network namespace made for the guest, entered with {@code ip netns exec NAME unibloc
 *       run --net tap ...}; the guest then owns that interface's address, so {@code -p} does not apply.
 * </ul>
 *
 * @param mode the sandbox's data path
 * @param published the {@code -p} ports
 */
record RunNetwork(NetworkMode mode, List<PublishedPort> published) {

    /** @throws IllegalArgumentException naming the option and value that do not fit */
    static RunNetwork parse(String net, List<String> publish) {
        List<PublishedPort> ports = publish.stream().map(PublishedPort::parse).toList();
        String name = net == null ? (ports.isEmpty() ? "none" : "user") : net;
        NetworkMode mode = switch (name) {
            case "none" -> NetworkMode.NONE;
            case "user" -> NetworkMode.PASST;
            case "tap" -> NetworkMode.TAP;
            default -> throw new IllegalArgumentException("--net must be none, user or tap, got \"" + net + "\"");
        };
        if (!ports.isEmpty() && mode != NetworkMode.PASST) {
            throw new IllegalArgumentException("-p needs --net user (passt forwards host ports); with --net " + name
                    + (mode == NetworkMode.TAP
                            ? " the guest owns the namespace's address: connect to it directly"
                            : " the guest has no network"));
        }
        return new RunNetwork(mode, ports);
    }

    /** The boot spec's network: the mode and the guest ports that {@code -p} names. */
    NetworkSpec spec() {
        return new NetworkSpec(
                mode,
                published.stream()
                        .map(p -> new GuestPort(p.guestPort(), p.protocol()))
                        .distinct()
                        .toList());
    }

    /** Where the sandbox finds the network: for {@code user}, the default route's interface and the -p ports. */
    NetworkOptions options(Map<String, String> env) {
        NetworkOptions options = NetworkOptions.fromEnvironment(env);
        if (mode != NetworkMode.PASST) {
            return options;
        }
        if (!env.containsKey(NetworkOptions.ENV_INTERFACE)) {
            options = options.withInterface(
                    GuestNetworking.defaultRouteInterface().orElse(options.interfaceName()));
        }
        return options.withPublished(published);
    }
}
