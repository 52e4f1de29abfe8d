package io.unibloc.operator.it;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Installs the committed CRDs from {@code crds/} into the mock server before the operator starts, as
 * the Helm chart does in a cluster; the mock then knows the scope of each kind.
 */
public class ApplyCrds implements Consumer<KubernetesServer> {
    /** Set by operator/pom.xml; the tests fail with this name if it is missing. */
    static final String CRDS_DIR = "unibloc.crds.dir";

    @Override
    public void accept(KubernetesServer server) {
        for (Path file : files()) {
            try (InputStream in = Files.newInputStream(file)) {
                CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
                server.getClient().apiextensions().v1().customResourceDefinitions().resource(crd).create();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read CRD " + file, e);
            }
        }
    }

    static List<Path> files() {
        String dir = System.getProperty(CRDS_DIR);
        if (dir == null) {
            throw new IllegalStateException("system property " + CRDS_DIR + " is not set (see operator/pom.xml)");
        }
        try (Stream<Path> list = Files.list(Path.of(dir))) {
            List<Path> files = list.filter(p -> p.getFileName().toString().endsWith(".unibloc.io-v1.yml")).sorted().toList();
            if (files.size() < 4) {
                throw new IllegalStateException("expected the four unibloc CRDs in " + dir + ", found " + files);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
