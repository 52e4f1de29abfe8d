package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the NoUsableKvm message tells the user to do: never to check a RuntimeClass that is already right. */
class KvmHintsTest {

    @Test
    void emulationAllowedAndAPodAdmittedUnderTheRightClassPointsAtTheNodePluginOnly() {
        String hint = KvmHints.hint(true, Map.of("unibloc.io/node", "true"));
        assertThat(hint).contains("node plugin").doesNotContain("RuntimeClass");
    }

    @Test
    void emulationAllowedButThePodStillRequiresKvmNamesTheRuntimeClass() {
        assertThat(KvmHints.hint(true, Map.of("unibloc.io/kvm", "true")))
                .contains("RuntimeClass still selects unibloc.io/kvm=true");
    }

    @Test
    void emulationNotAllowedSaysHowToAllowIt() {
        assertThat(KvmHints.hint(false, Map.of("unibloc.io/kvm", "true")))
                .contains("sandbox.allowSoftwareEmulation=true")
                .doesNotContain("RuntimeClass");
    }
}
