package io.unibloc.e2e.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart as the real Helm library sees it (helm-java). Every call writes the values to a temporary values file,
 * so nested maps and lists reach Helm exactly as a user's values file would; the file is deleted afterwards.
 */
public final class HelmChart {
    public static final String RELEASE = "unibloc";
    public static final String NAMESPACE = "unibloc-system";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path chartDir;

    public HelmChart(Path chartDir) {
        this.chartDir = chartDir;
    }

    public static HelmChart inRepository() {
        return new HelmChart(RepositoryLayout.locate().chart());
    }

    public Path dir() {
        return chartDir;
    }

    /**
     * {@code helm template} with release {@value #RELEASE} in namespace {@value #NAMESPACE}.
     *
     * @throws IllegalStateException with Helm's message when rendering fails (schema violation, {@code fail} call)
     */
    public RenderedChart render(Values values) {
        return withValuesFile(values, file -> {
            String yaml = new Helm(chartDir)
                    .template()
                    .withName(RELEASE)
                    .withNamespace(NAMESPACE)
                    .withValuesFile(file)
                    .call();
            return RenderedChart.parse(values.name(), yaml);
        });
    }

    /** {@code helm lint --strict} with the chart's own values.yaml (helm-java's lint takes no other values). */
    public LintResult lint() {
        return new Helm(chartDir).lint().strict().call();
    }

    /**
     * The chart's hook objects, rendered by the real Helm library with {@code values}. Helm takes hooks out of what
     * {@code helm template} returns through helm-java (and a client-only dry run prints none), so this renders a
     * copy of the chart in which the hook annotation keys are prefixed with {@value #UNRENDERED}: Helm then treats
     * those objects as plain manifests, and the keys are restored in the result. Only objects that carry
     * {@code helm.sh/hook} are returned.
     */
    public RenderedChart hooks(Values values) {
        Path copy = null;
        try {
            copy = Files.createTempDirectory("unibloc-chart-hooks-");
            copyChart(chartDir, copy);
            RenderedChart rendered = new HelmChart(copy).render(values);
            List<HasMetadata> hooks = new ArrayList<>();
            for (HasMetadata object : rendered.objects()) {
                Map<String, String> annotations = object.getMetadata().getAnnotations();
                if (annotations == null || !annotations.containsKey(UNRENDERED + "helm.sh/hook")) {
                    continue;
                }
                Map<String, String> restored = new LinkedHashMap<>();
                annotations.forEach(
                        (k, v) -> restored.put(k.startsWith(UNRENDERED) ? k.substring(UNRENDERED.length()) : k, v));
                object.getMetadata().setAnnotations(restored);
                hooks.add(object);
            }
            return new RenderedChart(rendered.variation(), rendered.yaml(), List.copyOf(hooks));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the chart to render its hooks", e);
        } finally {
            if (copy != null) {
                deleteQuietly(copy);
            }
        }
    }

    private static final String UNRENDERED = "unrendered.";

    /** Copies the chart (following the crds/ link), prefixing the hook annotation keys in templates. */
    private static void copyChart(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from, FileVisitOption.FOLLOW_LINKS)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (source.toString().endsWith(".yaml")
                        && source.toString().contains("/templates/")) {
                    String text = Files.readString(source);
                    Files.writeString(target, text.replace("helm.sh/hook", UNRENDERED + "helm.sh/hook"));
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover directory in the temp directory is harmless; the test result is what matters.
        }
    }

    /** The rendered NOTES.txt, from a client-only dry-run install (no cluster needed). */
    public String notes(Values values) {
        return withValuesFile(values, file -> {
            Release release = new Helm(chartDir)
                    .install()
                    .withName(RELEASE)
                    .withNamespace(NAMESPACE)
                    .withValuesFile(file)
                    .clientOnly()
                    .dryRun()
                    .call();
            String output = release.getOutput();
            int notes = output.indexOf("NOTES:");
            if (notes < 0) {
                throw new IllegalStateException("dry-run install printed no NOTES section:\n" + output);
            }
            return output.substring(notes + "NOTES:".length());
        });
    }

    /** {@code helm show crds}: the CRDs Helm installs from the chart's crds/ directory, or "" when it has none. */
    public String crds() {
        String crds = new Helm(chartDir).show().crds().call();
        return crds == null ? "" : crds;
    }

    private <T> T withValuesFile(Values values, HelmCall<T> call) {
        Path file = null;
        try {
            file = Files.createTempFile("unibloc-values-", ".yaml");
            YAML.writeValue(file.toFile(), values.nested());
            return call.apply(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write values file for " + values.name(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // A leftover file in the temp directory is harmless; the test result is what matters.
                }
            }
        }
    }

    @FunctionalInterface
    private interface HelmCall<T> {
        T apply(Path valuesFile) throws IOException;
    }
}
