package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart installs exactly the CRDs generated from the API types: helm/unibloc/crds is a link to crds/ (one
 * source, nothing to keep in sync), and what Helm loads through that link is what crds/ holds.
 */
class ChartCrdsTest {
    private static final RepositoryLayout REPO = RepositoryLayout.locate();
    private static final HelmChart CHART = new HelmChart(REPO.chart());

    @Test
    void chartCrdsDirectoryIsALinkToTheGeneratedCrds() throws IOException {
        Path link = REPO.chart().resolve("crds");

        assertThat(Files.isSymbolicLink(link))
                .as("%s must stay a symbolic link to crds/ (a copy would drift)", link)
                .isTrue();
        assertThat(Files.readSymbolicLink(link))
                .as("relative, so it works in any checkout")
                .isEqualTo(Path.of("../../crds"));
        assertThat(link.toRealPath()).isEqualTo(REPO.crds().toRealPath());
    }

    /**
     * Helm prints the crds/ files one after the other (this Helm version without "---" between them, as it also
     * applies them one file at a time), so each file must appear verbatim and nothing else may be left over.
     */
    @Test
    void helmLoadsEveryGeneratedCrdFileUnchanged() throws IOException {
        String loaded = CHART.crds();
        String rest = loaded;
        List<Path> files = crdFiles();

        assertThat(files).as("files in %s", REPO.crds()).isNotEmpty();
        for (Path file : files) {
            String content = read(file);
            assertThat(loaded).as("Helm loads %s unchanged", file.getFileName()).contains(content);
            rest = rest.replace(content, "");
        }
        assertThat(rest.replace("---", ""))
                .as("what Helm loads besides the generated files")
                .isBlank();
    }

    @Test
    void theFourUniblocKindsAreThereWithTheirScopesAndShortNames() throws IOException {
        Map<String, CustomResourceDefinition> crds = generatedCrds();

        assertKind(crds, "unikernelpods.unibloc.io", "UnikernelPod", "Namespaced", "ukp");
        assertKind(crds, "unikernelimages.unibloc.io", "UnikernelImage", "Namespaced", "uki");
        assertKind(crds, "blockvolumes.unibloc.io", "BlockVolume", "Cluster", "bv");
        assertKind(crds, "nodestores.unibloc.io", "NodeStore", "Cluster", null);
    }

    /** Every unibloc.io resource the chart's RBAC names exists, and "/status" only where the CRD has that subresource. */
    @Test
    void rbacNamesOnlyResourcesTheCrdsDefine() throws IOException {
        Map<String, CustomResourceDefinition> byPlural = generatedCrds().values().stream()
                .collect(Collectors.toMap(c -> c.getSpec().getNames().getPlural(), Function.identity()));
        RenderedChart chart = CHART.render(Values.of("namespaced", "operator.watchNamespaces", List.of("a")));
        Set<String> named = new HashSet<>();
        Stream.concat(
                        chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
                        chart.all(Role.class).stream().flatMap(r -> r.getRules().stream()))
                .filter(rule -> rule.getApiGroups().contains("unibloc.io"))
                .forEach(rule -> named.addAll(rule.getResources()));

        assertThat(named).isNotEmpty();
        for (String resource : named) {
            String plural = resource.contains("/") ? resource.substring(0, resource.indexOf('/')) : resource;
            assertThat(byPlural).as("RBAC names unibloc.io/%s", resource).containsKey(plural);
            if (resource.endsWith("/status")) {
                CustomResourceDefinitionVersion version =
                        byPlural.get(plural).getSpec().getVersions().get(0);
                assertThat(version.getSubresources())
                        .as("%s has a status subresource", plural)
                        .isNotNull();
                assertThat(version.getSubresources().getStatus())
                        .as("%s has a status subresource", plural)
                        .isNotNull();
            }
        }
    }

    private static void assertKind(
            Map<String, CustomResourceDefinition> crds, String name, String kind, String scope, String shortName) {
        assertThat(crds).as("generated CRDs").containsKey(name);
        CustomResourceDefinition crd = crds.get(name);
        assertThat(crd.getSpec().getGroup()).isEqualTo("unibloc.io");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo(kind);
        assertThat(crd.getSpec().getScope()).as("scope of %s", kind).isEqualTo(scope);
        assertThat(crd.getSpec().getVersions()).as("versions of %s", kind).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("v1alpha1");
            assertThat(v.getServed()).isTrue();
            assertThat(v.getStorage()).isTrue();
        });
        if (shortName != null) {
            assertThat(crd.getSpec().getNames().getShortNames())
                    .as("short names of %s", kind)
                    .contains(shortName);
        }
    }

    /** The files Helm takes from crds/: those ending in .yaml, .yml or .json. */
    private static List<Path> crdFiles() throws IOException {
        try (Stream<Path> files = Files.list(REPO.crds())) {
            return files.filter(f -> f.getFileName().toString().matches(".+\\.(ya?ml|json)$"))
                    .sorted()
                    .toList();
        }
    }

    private static Map<String, CustomResourceDefinition> generatedCrds() throws IOException {
        List<HasMetadata> objects = crdFiles().stream()
                .flatMap(f -> RenderedChart.parse(f.getFileName().toString(), read(f)).objects().stream())
                .toList();
        assertThat(objects)
                .as("objects in %s", REPO.crds())
                .isNotEmpty()
                .allMatch(CustomResourceDefinition.class::isInstance);
        return objects.stream()
                .map(CustomResourceDefinition.class::cast)
                .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
