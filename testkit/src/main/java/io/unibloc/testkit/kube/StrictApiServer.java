package io.unibloc.testkit.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@link StrictApiDispatcher} behind fabric8's mock server on 127.0.0.1, with the committed unibloc CRDs
 * installed (so the server knows their scope and status subresource), held for a whole test class.
 */
public final class StrictApiServer implements AutoCloseable {
    /** System property naming the directory of the committed CRDs; without it the parents of the working directory are searched for {@code crds/}. */
    public static final String CRDS_DIR = "unibloc.crds.dir";

    private final KubernetesMockServer server;
    private final StrictApiDispatcher dispatcher;
    private final NamespacedKubernetesClient client;

    private StrictApiServer() {
        dispatcher = new StrictApiDispatcher();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    /** Starts a server with the unibloc CRDs installed. Errors: the CRDs cannot be found or read. */
    public static StrictApiServer start() {
        StrictApiServer api = new StrictApiServer();
        try {
            api.installCrds();
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
        return api;
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    public StrictApiDispatcher dispatcher() {
        return dispatcher;
    }

    /** The URL clients use, e.g. {@code http://127.0.0.1:40123/}. */
    public String url() {
        return client.getConfiguration().getMasterUrl();
    }

    /** Creates a RuntimeClass (cluster-scoped), as the Helm chart does. */
    public void createRuntimeClass(String name, String handler) {
        client.resource(new RuntimeClassBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withHandler(handler)
                        .build())
                .create();
    }

    private void installCrds() {
        for (Path file : crdFiles()) {
            try (InputStream in = Files.newInputStream(file)) {
                CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(crd)
                        .create();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read CRD " + file, e);
            }
        }
    }

    /** The committed CRD files ({@code crds/*.unibloc.io-v1.yml}). */
    public static List<Path> crdFiles() {
        Path dir = crdsDir();
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> files = list.filter(p -> p.getFileName().toString().endsWith(".unibloc.io-v1.yml"))
                    .sorted()
                    .toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("no unibloc CRDs (*.unibloc.io-v1.yml) in " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static Path crdsDir() {
        String configured = System.getProperty(CRDS_DIR);
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("crds");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "cannot find the crds/ directory above " + Path.of("").toAbsolutePath() + "; set -D" + CRDS_DIR);
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
