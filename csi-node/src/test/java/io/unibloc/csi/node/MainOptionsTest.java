package io.unibloc.csi.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The node plugin's switch for nodes without usable KVM, as a flag and from the environment the chart sets. */
class MainOptionsTest {

    @Test
    void softwareEmulationIsOffUnlessAskedFor() {
        assumeTrue(System.getenv("UNIBLOC_ALLOW_SOFTWARE_EMULATION") == null, "the environment sets the default");
        Main plain = new Main();
        new CommandLine(plain).parseArgs("--node-id=n1");
        assertThat(plain.allowSoftwareEmulation).isFalse();

        Main allowed = new Main();
        new CommandLine(allowed).parseArgs("--node-id=n1", "--allow-software-emulation");
        assertThat(allowed.allowSoftwareEmulation).isTrue();
    }

    @Test
    void settingsCarryTheSwitchAndTheSharedAcceleratorDirectory() {
        NodeComponents.Settings defaults = NodeComponents.Settings.defaults("n1", Path.of("/var/lib/unibloc"), null);
        assertThat(defaults.allowSoftwareEmulation()).isFalse();
        assertThat(defaults.withAllowSoftwareEmulation(true).allowSoftwareEmulation())
                .isTrue();
        assertThat(defaults.accelDir()).hasToString("/var/lib/unibloc/accel");
    }
}
