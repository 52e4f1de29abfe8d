package io.unibloc.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl get ukp} prints the columns of the committed CRD in its order: the same as {@code kubectl get pod}
 * (NAME READY STATUS RESTARTS, then NODE and AGE last), with the image digest and accelerator only under -o wide.
 */
class PrinterColumnsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void unikernelPodColumnsFollowKubectlGetPod() throws IOException {
        assertThat(columns("unikernelpods"))
                .containsExactly(
                        "Ready/0 .status.ready",
                        "Status/0 .status.phase",
                        "Restarts/0 .status.restarts",
                        "Node/0 .status.nodeName",
                        "Age/0 .metadata.creationTimestamp",
                        "Digest/1 .status.shortDigest",
                        "Accel/1 .status.accelerator",
                        "IP/1 .status.network.podIP",
                        "Network/1 .status.network.mode",
                        "Root/1 .status.writeMode");
    }

    @Test
    void ageComesLastForUnikernelImagesToo() throws IOException {
        List<String> columns = columns("unikernelimages");
        assertThat(columns.get(columns.size() - 1)).startsWith("Age/0");
    }

    /** The generator's own order (sorted by JSON path) is undone: AGE, ACCEL, NODE, STATUS ... becomes declared order. */
    @Test
    void reorderPutsItemsInDeclaredOrderAndKeepsEveryLine() {
        String generated = String.join(
                "\n",
                "  versions:",
                "  - additionalPrinterColumns:",
                "    - jsonPath: \".metadata.creationTimestamp\"",
                "      name: \"Age\"",
                "      type: \"date\"",
                "    - jsonPath: \".status.phase\"",
                "      name: \"Status\"",
                "      type: \"string\"",
                "    name: \"v1alpha1\"",
                "");
        String reordered =
                PrinterColumnOrder.reorder(generated, List.of(".status.phase", ".metadata.creationTimestamp"));
        assertThat(reordered)
                .isEqualTo(String.join(
                        "\n",
                        "  versions:",
                        "  - additionalPrinterColumns:",
                        "    - jsonPath: \".status.phase\"",
                        "      name: \"Status\"",
                        "      type: \"string\"",
                        "    - jsonPath: \".metadata.creationTimestamp\"",
                        "      name: \"Age\"",
                        "      type: \"date\"",
                        "    name: \"v1alpha1\"",
                        ""));
    }

    private static List<String> columns(String plural) throws IOException {
        Path file = Path.of(System.getProperty("unibloc.crd.committed.dir"), plural + ".unibloc.io-v1.yml");
        JsonNode crd = YAML.readTree(Files.readString(file));
        List<String> out = new ArrayList<>();
        for (JsonNode c : crd.path("spec").path("versions").get(0).path("additionalPrinterColumns")) {
            out.add(c.path("name").asText() + "/" + c.path("priority").asInt() + " "
                    + c.path("jsonPath").asText());
        }
        return out;
    }
}
