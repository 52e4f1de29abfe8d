package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The CSIDriver object and the unibloc StorageClass say what the controller and node plugin implement. */
class ChartCsiDriverTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    @Test
    void csiDriverNeedsNoAttachGetsPodInfoAndPublishesCapacity() {
        CSIDriver driver = CHART.render(Values.defaults()).one(CSIDriver.class, "block.unibloc.io");

        assertThat(driver.getSpec().getAttachRequired()).as("attachRequired").isFalse();
        assertThat(driver.getSpec().getPodInfoOnMount()).as("podInfoOnMount").isTrue();
        assertThat(driver.getSpec().getStorageCapacity()).as("storageCapacity").isTrue();
        // Generic ephemeral volumes are claims, i.e. Persistent mode; inline Ephemeral volumes cannot be raw block.
        assertThat(driver.getSpec().getVolumeLifecycleModes()).containsExactly("Persistent");
        assertThat(driver.getSpec().getFsGroupPolicy()).isEqualTo("None");
    }

    @Test
    void storageClassWaitsForTheConsumerAndLeavesTopologyToTheScheduler() {
        StorageClass storageClass = CHART.render(Values.defaults()).one(StorageClass.class, "unibloc");

        assertThat(storageClass.getProvisioner()).isEqualTo("block.unibloc.io");
        assertThat(storageClass.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
        assertThat(storageClass.getAllowedTopologies()).as("allowedTopologies").isNullOrEmpty();
        assertThat(storageClass.getReclaimPolicy()).isEqualTo("Delete");
        assertThat(storageClass.getAllowVolumeExpansion()).isFalse();
        assertThat(storageClass.getParameters())
                .as("no write mode: it is the controller's flag, since a parameter added to an installed class"
                        + " would fail the upgrade")
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("fsType", "ext4", "readOnly", "false"));
        assertThat(storageClass.getMetadata().getAnnotations())
                .as("never the default class")
                .doesNotContainKey("storageclass.kubernetes.io/is-default-class");
    }

    /**
     * Issue 19: density by default. The chart's value is ephemeral and reaches claims through the controller's
     * --default-write-mode, never as a class parameter: parameters are immutable, so a class that followed the
     * value would fail the upgrade that switches it.
     */
    @Test
    void theWriteModeValueGoesToTheControllerFlagAndTheClassIsTheSameForBoth() throws Exception {
        JsonNode values = new ObjectMapper(new YAMLFactory())
                .readTree(CHART.dir().resolve("values.yaml").toFile());
        assertThat(values.path("storageClass").path("writeMode").asText()).isEqualTo("ephemeral");
        RenderedChart ephemeral = CHART.render(Values.of("ephemeral", "storageClass.writeMode", "ephemeral"));
        RenderedChart persistent = CHART.render(Values.of("persistent", "storageClass.writeMode", "persistent"));

        assertThat(persistent.one(StorageClass.class, "unibloc"))
                .isEqualTo(ephemeral.one(StorageClass.class, "unibloc"));
        assertThat(persistent.one(StorageClass.class, "unibloc").getParameters())
                .doesNotContainKey("unibloc.io/write-mode");
        assertThat(controllerFlag(Values.defaults())).isEqualTo("ephemeral");
        assertThat(controllerFlag(Values.of("ephemeral", "storageClass.writeMode", "ephemeral")))
                .isEqualTo("ephemeral");
        assertThat(controllerFlag(Values.of("persistent", "storageClass.writeMode", "persistent")))
                .isEqualTo("persistent");
    }

    /**
     * What {@code helm upgrade} from persistent to ephemeral values applies: the manifests differ in the
     * csi-controller Deployment only (its flag), so no immutable field of another object is touched.
     */
    @Test
    void switchingTheWriteModeChangesOnlyTheControllerDeployment() {
        Map<String, HasMetadata> before =
                byKind(CHART.render(Values.of("persistent", "storageClass.writeMode", "persistent")));
        Map<String, HasMetadata> after =
                byKind(CHART.render(Values.of("ephemeral", "storageClass.writeMode", "ephemeral")));

        assertThat(after.keySet()).isEqualTo(before.keySet());
        List<String> changed = before.keySet().stream()
                .filter(key -> !before.get(key).equals(after.get(key)))
                .toList();
        assertThat(changed).containsExactly("Deployment/unibloc-csi-controller");
    }

    private static String controllerFlag(Values values) {
        return ChartSocketsTest.flag(
                ChartSocketsTest.container(
                        ChartSocketsTest.workload(CHART.render(values), "csi-controller"), "csi-controller"),
                "--default-write-mode");
    }

    private static Map<String, HasMetadata> byKind(RenderedChart chart) {
        Map<String, HasMetadata> objects = new TreeMap<>();
        for (HasMetadata object : chart.objects()) {
            objects.put(object.getKind() + "/" + object.getMetadata().getName(), object);
        }
        return objects;
    }

    @Test
    void storageClassParametersFollowTheValues() {
        StorageClass storageClass = CHART.render(Values.of(
                        "vfat-readonly-retain",
                        "storageClass.fsType",
                        "vfat",
                        "storageClass.readOnly",
                        true,
                        "storageClass.reclaimPolicy",
                        "Retain",
                        "storageClass.writeMode",
                        "persistent"))
                .one(StorageClass.class, "unibloc");

        assertThat(storageClass.getParameters())
                .containsEntry("fsType", "vfat")
                .containsEntry("readOnly", "true")
                .as("the write mode is the controller's flag, never a class parameter")
                .doesNotContainKey("unibloc.io/write-mode");
        assertThat(storageClass.getReclaimPolicy()).isEqualTo("Retain");
    }

    @Test
    void storageClassCanBeLeftToTheAdministrator() {
        RenderedChart chart = CHART.render(Values.of("no-storageclass", "storageClass.create", false));

        assertThat(chart.all(StorageClass.class)).isEmpty();
        assertThat(chart.all(CSIDriver.class)).as("the driver itself stays").hasSize(1);
    }
}
