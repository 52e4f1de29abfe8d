package io.unibloc.sandbox.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the sandbox finds the Pod's network and the tools for it. The defaults are what a Pod has; the environment
 * overrides exist for hosts and tests that differ.
 *
 * @param interfaceName the Pod's interface ({@value #ENV_INTERFACE}, default {@code eth0})
 * @param tapName the tap the sandbox creates next to it (default {@code tap0}; one guest per namespace)
 * @param tunDevice the TUN/TAP control device, handed to the Pod by the device plugin
 * @param vhostDevice the vhost-net device; used when present and writable
 * @param passtBinary passt's executable, a name on PATH or a path ({@value #ENV_PASST})
 * @param resolvConf the Pod's resolver configuration ({@value #ENV_RESOLV_CONF})
 * @param hostnameFile where the Pod's host name is read
 * @param passtStartTimeout how long passt may take to listen on its socket
 * @param published host ports passt forwards to the guest instead of the spec's ports (local runs); usually empty
 */
public record NetworkOptions(
        String interfaceName,
        String tapName,
        Path tunDevice,
        Path vhostDevice,
        String passtBinary,
        Path resolvConf,
        Path hostnameFile,
        Duration passtStartTimeout,
        List<PublishedPort> published) {

    public NetworkOptions {
        published = List.copyOf(published);
    }

    public static final String ENV_INTERFACE = "UNIBLOC_POD_INTERFACE";
    public static final String ENV_PASST = "UNIBLOC_PASST";
    public static final String ENV_RESOLV_CONF = "UNIBLOC_RESOLV_CONF";

    public static NetworkOptions defaults() {
        return new NetworkOptions(
                "eth0",
                "tap0",
                Path.of("/dev/net/tun"),
                Path.of("/dev/vhost-net"),
                "passt",
                Path.of("/etc/resolv.conf"),
                Path.of("/proc/sys/kernel/hostname"),
                Duration.ofSeconds(10),
                List.of());
    }

    /** The defaults overridden by {@value #ENV_INTERFACE}, {@value #ENV_PASST} and {@value #ENV_RESOLV_CONF}. */
    public static NetworkOptions fromEnvironment(Map<String, String> env) {
        NetworkOptions d = defaults();
        return new NetworkOptions(
                value(env, ENV_INTERFACE, d.interfaceName()),
                d.tapName(),
                d.tunDevice(),
                d.vhostDevice(),
                value(env, ENV_PASST, d.passtBinary()),
                Path.of(value(env, ENV_RESOLV_CONF, d.resolvConf().toString())),
                d.hostnameFile(),
                d.passtStartTimeout(),
                d.published());
    }

    /** These options with the guest taking over {@code name} instead of the Pod's eth0. */
    public NetworkOptions withInterface(String name) {
        return new NetworkOptions(
                name,
                tapName,
                tunDevice,
                vhostDevice,
                passtBinary,
                resolvConf,
                hostnameFile,
                passtStartTimeout,
                published);
    }

    /** These options with passt forwarding {@code ports} from the host (local runs). */
    public NetworkOptions withPublished(List<PublishedPort> ports) {
        return new NetworkOptions(
                interfaceName,
                tapName,
                tunDevice,
                vhostDevice,
                passtBinary,
                resolvConf,
                hostnameFile,
                passtStartTimeout,
                ports);
    }

    /** Whether {@link #passtBinary} names an executable (a path, or a name found on PATH). */
    public boolean passtInstalled() {
        if (passtBinary.contains("/")) {
            return Files.isExecutable(Path.of(passtBinary));
        }
        for (String dir : System.getenv()
                .getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin")
                .split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, passtBinary))) {
                return true;
            }
        }
        return false;
    }

    private static String value(Map<String, String> env, String key, String fallback) {
        String value = env.get(key);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
