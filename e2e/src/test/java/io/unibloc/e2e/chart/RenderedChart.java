package io.unibloc.e2e.chart;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/**
 * What {@code helm template} printed, split into documents and parsed by fabric8 into its typed model classes
 * (an apiVersion/kind pair fabric8 does not know becomes a {@link GenericKubernetesResource}).
 */
public record RenderedChart(String variation, String yaml, List<HasMetadata> objects) {
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    /**
     * @throws IllegalArgumentException naming the template (Helm's "# Source:" line) whose document does not parse
     */
    public static RenderedChart parse(String variation, String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
            if (isBlank(document)) {
                continue;
            }
            try {
                objects.add(Serialization.unmarshal(document, HasMetadata.class));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "variation " + variation + ": cannot parse " + source(document) + ": " + e.getMessage() + "\n"
                                + document,
                        e);
            }
        }
        return new RenderedChart(variation, yaml, List.copyOf(objects));
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * @throws NoSuchElementException listing what was rendered when there is no such object
     */
    public <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("variation " + variation + ": no " + type.getSimpleName()
                        + " named " + name + " among " + names()));
    }

    public boolean has(Class<? extends HasMetadata> type, String name) {
        return all(type).stream().anyMatch(o -> name.equals(o.getMetadata().getName()));
    }

    /** Pod templates of the Deployments and DaemonSets, keyed by workload name. */
    public Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
        all(Deployment.class)
                .forEach(d ->
                        templates.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
        all(DaemonSet.class)
                .forEach(d ->
                        templates.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
        return templates;
    }

    /** "Kind/name" of every object, for assertion messages. */
    public List<String> names() {
        return objects.stream().map(RenderedChart::describe).toList();
    }

    public static String describe(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return object.getKind() + "/" + (namespace == null ? "" : namespace + "/")
                + object.getMetadata().getName();
    }

    private static boolean isBlank(String document) {
        return document.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("#"));
    }

    private static String source(String document) {
        return document.lines()
                .filter(l -> l.startsWith("# Source:"))
                .findFirst()
                .orElse("a document");
    }

    @Override
    public String toString() {
        return variation;
    }
}
