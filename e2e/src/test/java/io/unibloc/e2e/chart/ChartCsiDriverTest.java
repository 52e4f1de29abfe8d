package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
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
                .as("ephemeral, the driver's default, is left unsaid: a parameter added to an installed class would"
                        + " fail the upgrade")
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("fsType", "ext4", "readOnly", "false"));
        assertThat(storageClass.getMetadata().getAnnotations())
                .as("never the default class")
                .doesNotContainKey("storageclass.kubernetes.io/is-default-class");
    }

    /** Issue 19: density by default — the chart's value is ephemeral, and only persistent needs saying. */
    @Test
    void theDefaultWriteModeIsEphemeralAndPersistentIsTheParameterThatSaysOtherwise() throws Exception {
        JsonNode values = new ObjectMapper(new YAMLFactory())
                .readTree(CHART.dir().resolve("values.yaml").toFile());
        assertThat(values.path("storageClass").path("writeMode").asText()).isEqualTo("ephemeral");
        StorageClass explicit = CHART.render(Values.of("ephemeral", "storageClass.writeMode", "ephemeral"))
                .one(StorageClass.class, "unibloc");
        assertThat(explicit.getParameters()).doesNotContainKey("unibloc.io/write-mode");
        StorageClass persistent = CHART.render(Values.of("persistent", "storageClass.writeMode", "persistent"))
                .one(StorageClass.class, "unibloc");
        assertThat(persistent.getParameters()).containsEntry("unibloc.io/write-mode", "persistent");
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
                .containsEntry("unibloc.io/write-mode", "persistent");
        assertThat(storageClass.getReclaimPolicy()).isEqualTo("Retain");
    }

    @Test
    void storageClassCanBeLeftToTheAdministrator() {
        RenderedChart chart = CHART.render(Values.of("no-storageclass", "storageClass.create", false));

        assertThat(chart.all(StorageClass.class)).isEmpty();
        assertThat(chart.all(CSIDriver.class)).as("the driver itself stays").hasSize(1);
    }
}
