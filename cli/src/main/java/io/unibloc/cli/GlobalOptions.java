package io.unibloc.cli;

import io.unibloc.blockstore.StoreConfig;
import io.unibloc.registry.auth.DockerConfig;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.client.RegistryConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command accepts (inherited by all subcommands). */
public class GlobalOptions {
    @Option(
            names = "--store",
            scope = ScopeType.INHERIT,
            paramLabel = "DIR",
            defaultValue = "${env:UNIBLOC_STORE:-/var/lib/unibloc}",
            description = "Store directory (default: $UNIBLOC_STORE or /var/lib/unibloc; now ${DEFAULT-VALUE}).")
    Path store;

    @Option(
            names = "--docker-config",
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            description =
                    "Registry credentials, docker config.json format (default: $DOCKER_CONFIG/config.json, then ~/.docker/config.json).")
    Path dockerConfig;

    @Option(
            names = "--mirror",
            scope = ScopeType.INHERIT,
            paramLabel = "REGISTRY=URL",
            description = "A mirror tried before REGISTRY (repeatable), e.g. docker.io=http://127.0.0.1:5001.")
    List<String> mirrors = new ArrayList<>();

    @Option(
            names = "--insecure-registry",
            scope = ScopeType.INHERIT,
            paramLabel = "HOST[:PORT]",
            description = "Talk plain HTTP to this registry (repeatable; 127.0.0.1 and localhost always are).")
    List<String> insecure = new ArrayList<>();

    @Option(
            names = "--parallel-downloads",
            scope = ScopeType.INHERIT,
            paramLabel = "N",
            defaultValue = "3",
            description = "Blobs downloaded at once (default: ${DEFAULT-VALUE}).")
    int parallelDownloads;

    @Option(
            names = "--backend",
            scope = ScopeType.INHERIT,
            paramLabel = "auto|reflink|xfs-loop|copy",
            defaultValue = "auto",
            description =
                    "Copy-on-write backend (default: ${DEFAULT-VALUE}: reflinks where the store's filesystem has them,"
                            + " else an XFS file loop-mounted in the store).")
    String backend;

    @Option(
            names = "--xfs-loop-size",
            scope = ScopeType.INHERIT,
            paramLabel = "SIZE",
            converter = Sizes.Converter.class,
            description = "Size of the XFS file the xfs-loop backend creates on first use (default: 20G).")
    Long xfsLoopSize;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Log what the engine does (stderr).")
    boolean verbose;

    /** The root command's options, from any subcommand's spec. */
    public static GlobalOptions of(CommandSpec spec) {
        return (GlobalOptions) spec.root().userObject();
    }

    public Path storeDir() {
        return store.toAbsolutePath().normalize();
    }

    /** The engine's configuration from these options. */
    public StoreConfig storeConfig() {
        StoreConfig c = StoreConfig.defaults(storeDir())
                .withRegistry(registryConfig())
                .withBackend(StoreConfig.Backend.parse(backend));
        return xfsLoopSize == null ? c : c.withXfsLoopBytes(xfsLoopSize);
    }

    public RegistryConfig registryConfig() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String spec : mirrors) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("invalid --mirror '" + spec + "': expected REGISTRY=URL");
            }
            m.computeIfAbsent(spec.substring(0, eq), k -> new ArrayList<>()).add(spec.substring(eq + 1));
        }
        return RegistryConfig.defaults()
                .withMirrors(m)
                .withInsecure(new HashSet<>(insecure))
                .withParallelDownloads(parallelDownloads);
    }

    public RegistryCredentials credentials() {
        if (dockerConfig != null) {
            return DockerConfig.read(dockerConfig);
        }
        String env = System.getenv("DOCKER_CONFIG");
        if (env != null && !env.isBlank()) {
            return DockerConfig.read(Path.of(env, "config.json"));
        }
        return DockerConfig.read(Path.of(System.getProperty("user.home"), ".docker", "config.json"));
    }
}
