package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * NOTES.txt tells the user what to apply next, and what it tells them is valid: the sample UnikernelPod parses
 * into the API type with no unknown field, and the commands name this release's objects.
 */
class ChartNotesTest {
    private static final HelmChart CHART = HelmChart.inRepository();
    private static final Pattern SAMPLE =
            Pattern.compile("<<'YAML' \\| kubectl apply -f -\\n(.*?)\\n\\s*YAML\\n", Pattern.DOTALL);

    @Test
    void notesShowAValidFirstUnikernelPod() throws Exception {
        String notes = CHART.notes(Values.defaults());
        Matcher sample = SAMPLE.matcher(notes);

        assertThat(sample.find())
                .as("a UnikernelPod sample in NOTES:\n%s", notes)
                .isTrue();
        String yaml = sample.group(1).stripIndent();
        UnikernelPod pod = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                .readValue(yaml, UnikernelPod.class);
        assertThat(pod.getApiVersion()).isEqualTo("unibloc.io/v1alpha1");
        assertThat(pod.getKind()).isEqualTo("UnikernelPod");
        assertThat(pod.getSpec().getImage()).isNotBlank();
        assertThat(pod.getSpec().getMemory()).matches(UnikernelPodSpec.MEMORY_PATTERN);
        assertThat(pod.getSpec().getVcpus()).isBetween(1, UnikernelPodSpec.MAX_VCPUS);
    }

    @Test
    void notesNameThisReleasesObjectsAndFollowTheKvmSetting() {
        String withKvm = CHART.notes(Values.defaults());
        String withoutKvm = CHART.notes(Values.of("tcg", "kvm.requireKvmNode", false, "fullnameOverride", "ub"));

        assertThat(withKvm).contains("-n " + HelmChart.NAMESPACE, "daemonset/unibloc-csi-node", "unibloc.io/kvm=true");
        assertThat(withoutKvm)
                .contains("daemonset/ub-csi-node", "TCG", "-L unibloc.io/accel")
                .doesNotContain("unibloc.io/kvm=true");
        assertThat(withKvm).contains("kubectl describe ukp", ".status.podName");
    }
}
