package io.unibloc.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The write-mode rule, case by case, written out by hand (issue 19). */
class RootWriteModesTest {
    private static final WriteMode EPH = WriteMode.EPHEMERAL;
    private static final WriteMode PER = WriteMode.PERSISTENT;

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, explicit, vmm, readOnly, urunc, expected
                Arguments.of("qemu writable: shared image plus overlay", null, Vmm.QEMU, false, false, EPH),
                Arguments.of("qemu read-only", null, Vmm.QEMU, true, false, EPH),
                Arguments.of("firecracker writable cannot boot qcow2", null, Vmm.FIRECRACKER, false, false, PER),
                Arguments.of("cloud-hypervisor writable", null, Vmm.CLOUD_HYPERVISOR, false, false, PER),
                Arguments.of("firecracker read-only needs no overlay", null, Vmm.FIRECRACKER, true, false, EPH),
                Arguments.of("urunc writable, even with qemu", null, Vmm.QEMU, false, true, PER),
                Arguments.of("urunc read-only needs no overlay", null, Vmm.QEMU, true, true, EPH),
                Arguments.of("explicit persistent under qemu wins", PER, Vmm.QEMU, false, false, PER),
                Arguments.of("explicit ephemeral is kept as asked", EPH, Vmm.FIRECRACKER, false, true, EPH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void resolves(String name, WriteMode explicit, Vmm vmm, boolean readOnly, boolean urunc, WriteMode expected) {
        assertThat(RootWriteModes.resolve(explicit, vmm, readOnly, urunc)).isEqualTo(expected);
    }

    @Test
    void nothingStandsInTheWayOfAnOverlayUnderQemuInTheSandboxOrOfAReadOnlyRoot() {
        assertThat(RootWriteModes.whyNoOverlay(Vmm.QEMU, false, false)).isEmpty();
        assertThat(RootWriteModes.whyNoOverlay(Vmm.CLOUD_HYPERVISOR, true, false))
                .isEmpty();
        assertThat(RootWriteModes.whyNoOverlay(Vmm.QEMU, true, true)).isEmpty();
    }

    @Test
    void theReasonNamesTheRuntimeOrTheVmm() {
        assertThat(RootWriteModes.whyNoOverlay(Vmm.QEMU, false, true))
                .get()
                .asString()
                .contains("urunc");
        assertThat(RootWriteModes.whyNoOverlay(Vmm.FIRECRACKER, false, false))
                .get()
                .asString()
                .startsWith("firecracker");
    }
}
