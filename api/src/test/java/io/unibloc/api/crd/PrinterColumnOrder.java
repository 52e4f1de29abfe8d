package io.unibloc.api.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.unibloc.api.v1alpha1.UnikernelImage;
import io.unibloc.api.v1alpha1.UnikernelPod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A build step (run by api/pom.xml right after the CRD generator): puts {@code additionalPrinterColumns} in the
 * order the kind's class declares its {@link AdditionalPrinterColumn}s. kubectl prints columns in CRD order, and
 * fabric8's generator sorts them by JSON path (fabric8io/kubernetes-client#7454), which printed AGE first and STATUS
 * after NODE. Only the column items move; every line stays as the generator wrote it.
 */
public final class PrinterColumnOrder {
    /** The kinds whose columns are all declared on the class, in the order kubectl should print them. */
    static final List<Class<? extends CustomResource<?, ?>>> KINDS = List.of(UnikernelPod.class, UnikernelImage.class);

    private static final String ITEM = "    - jsonPath: ";

    private PrinterColumnOrder() {}

    /** @param args the directory of the generated CRD files */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        for (Class<? extends CustomResource<?, ?>> kind : KINDS) {
            String plural = kind.getSimpleName().toLowerCase() + "s";
            Path file = dir.resolve(plural + ".unibloc.io-v1.yml");
            Files.writeString(file, reorder(Files.readString(file), declared(kind)), StandardCharsets.UTF_8);
        }
    }

    static List<String> declared(Class<?> kind) {
        return Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::jsonPath)
                .toList();
    }

    /** The YAML with the column items of the one version in {@code order} (by JSON path). */
    static String reorder(String yaml, List<String> order) {
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        int start = lines.indexOf("  - additionalPrinterColumns:") + 1;
        if (start == 0) {
            return yaml;
        }
        int end = start;
        while (end < lines.size()
                && (lines.get(end).startsWith(ITEM) || lines.get(end).startsWith("      "))) {
            end++;
        }
        List<List<String>> items = new ArrayList<>();
        for (String line : lines.subList(start, end)) {
            if (line.startsWith(ITEM)) {
                items.add(new ArrayList<>());
            }
            items.get(items.size() - 1).add(line);
        }
        items.sort(Comparator.comparingInt(item -> {
            String path = item.get(0).substring(ITEM.length()).replace("\"", "");
            int at = order.indexOf(path);
            if (at < 0) {
                throw new IllegalStateException("printer column " + path + " is not declared on the class");
            }
            return at;
        }));
        List<String> out = new ArrayList<>(lines.subList(0, start));
        items.forEach(out::addAll);
        out.addAll(lines.subList(end, lines.size()));
        return String.join("\n", out) + (yaml.endsWith("\n") ? "\n" : "");
    }
}
