package io.unibloc.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.Machine;
import io.unibloc.types.NetworkMode;
import io.unibloc.types.Vmm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageMetadataTest {

    @Test
    void labelsFillWhatTheSpecLeavesUnset() {
        Map<String, String> labels = Map.of(
                "io.unibloc.kernel", "/boot/vmlinuz",
                "io.unibloc.initrd", "/boot/initrd.img",
                "io.unibloc.cmdline", "console=ttyS0 quiet",
                "io.unibloc.guest", "unikraft",
                "io.unibloc.vmm", "firecracker");

        BootSpec effective = ImageMetadata.applyTo(labels, BootSpec.empty());

        assertThat(effective.kernel()).isEqualTo("/boot/vmlinuz");
        assertThat(effective.initrd()).isEqualTo("/boot/initrd.img");
        assertThat(effective.cmdline()).isEqualTo("console=ttyS0 quiet");
        assertThat(effective.guest()).isEqualTo(GuestKind.UNIKRAFT);
        assertThat(effective.vmm()).isEqualTo(Vmm.FIRECRACKER);
    }

    @Test
    void theMachineLabelFillsAnUnsetMachineAndABadOneIsNamed() {
        BootSpec fromLabel = ImageMetadata.applyTo(
                Map.of("io.unibloc.machine", "q35"), BootSpec.builder().build());
        BootSpec fromSpec = ImageMetadata.applyTo(
                Map.of("io.unibloc.machine", "q35"),
                BootSpec.builder().machine(Machine.MICROVM).build());

        assertThat(fromLabel.machine()).isEqualTo(Machine.Q35);
        assertThat(fromSpec.machine()).isEqualTo(Machine.MICROVM);
        assertThatThrownBy(() -> ImageMetadata.applyTo(
                        Map.of("io.unibloc.machine", "isapc"),
                        BootSpec.builder().build()))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("io.unibloc.machine")
                .hasMessageContaining("isapc");
    }

    @Test
    void whatTheSpecSetsWinsOverLabels() {
        BootSpec spec = BootSpec.builder()
                .kernel("/k")
                .cmdline("quiet")
                .guest(GuestKind.LINUX)
                .vmm(Vmm.QEMU)
                .args(List.of("--flag"))
                .build();
        Map<String, String> labels = Map.of(
                "io.unibloc.kernel",
                "/other",
                "io.unibloc.cmdline",
                "loud",
                "io.unibloc.guest",
                "unikraft",
                "io.unibloc.vmm",
                "firecracker",
                "com.urunc.unikernel.cmdline",
                "x y");

        assertThat(ImageMetadata.applyTo(labels, spec)).isEqualTo(spec);
    }

    @Test
    void aHostPathInTheSpecCountsAsSettingTheKernelAndInitrd() {
        BootSpec spec = BootSpec.builder()
                .kernelHostPath("/host/k")
                .initrdHostPath("/host/i")
                .build();

        BootSpec effective =
                ImageMetadata.applyTo(Map.of("io.unibloc.kernel", "/boot/k", "io.unibloc.initrd", "/boot/i"), spec);

        assertThat(effective.kernel()).isNull();
        assertThat(effective.initrd()).isNull();
        assertThat(effective.resolve().kernelHostPath()).isEqualTo("/host/k");
    }

    @Test
    void uniblocLabelsWinOverUruncAnnotations() {
        Map<String, String> labels = Map.of(
                "io.unibloc.kernel",
                "/unibloc/kernel",
                "com.urunc.unikernel.binary",
                "/urunc/kernel",
                "io.unibloc.guest",
                "linux",
                "com.urunc.unikernel.unikernelType",
                "unikraft",
                "io.unibloc.vmm",
                "qemu",
                "com.urunc.unikernel.hypervisor",
                "firecracker");

        BootSpec effective = ImageMetadata.applyTo(labels, BootSpec.empty());

        assertThat(effective.kernel()).isEqualTo("/unibloc/kernel");
        assertThat(effective.guest()).isEqualTo(GuestKind.LINUX);
        assertThat(effective.vmm()).isEqualTo(Vmm.QEMU);
    }

    @Test
    void anImagePackagedForUruncRunsUnchanged() {
        Map<String, String> annotations = Map.of(
                "com.urunc.unikernel.binary", "/unikraft/bin/kernel",
                "com.urunc.unikernel.cmdline", "/chttp -p  8080",
                "com.urunc.unikernel.unikernelType", "unikraft",
                "com.urunc.unikernel.hypervisor", "qemu",
                "com.urunc.unikernel.initrd", "/rootfs.cpio");

        BootSpec effective =
                ImageMetadata.applyTo(annotations, BootSpec.empty()).resolve();

        assertThat(effective.kernel()).isEqualTo("/unikraft/bin/kernel");
        assertThat(effective.initrd()).isEqualTo("/rootfs.cpio");
        assertThat(effective.args()).containsExactly("/chttp", "-p", "8080");
        assertThat(effective.guest()).isEqualTo(GuestKind.UNIKRAFT);
        assertThat(effective.vmm()).isEqualTo(Vmm.QEMU);
        assertThat(effective.cmdline()).isEmpty();
    }

    static Stream<Arguments> uruncTypes() {
        return Stream.of(
                Arguments.of("linux", "qemu", GuestKind.LINUX),
                Arguments.of("unikraft", "firecracker", GuestKind.UNIKRAFT),
                Arguments.of("mirage", "qemu", GuestKind.SOLO5),
                Arguments.of("rumprun", "qemu", GuestKind.MULTIBOOT),
                Arguments.of("mewz", "qemu", GuestKind.MULTIBOOT));
    }

    @ParameterizedTest(name = "{0} on {1} is {2}")
    @MethodSource("uruncTypes")
    void uruncUnikernelTypesMapToGuestKinds(String type, String hypervisor, GuestKind expected) {
        Map<String, String> annotations =
                Map.of("com.urunc.unikernel.unikernelType", type, "com.urunc.unikernel.hypervisor", hypervisor);

        assertThat(ImageMetadata.applyTo(annotations, BootSpec.empty()).guest()).isEqualTo(expected);
    }

    @Test
    void solo5TendersAreNotVmmsTheSandboxRunsUnlessTheSpecChoosesOne() {
        Map<String, String> annotations =
                Map.of("com.urunc.unikernel.unikernelType", "rumprun", "com.urunc.unikernel.hypervisor", "hvt");

        assertThatThrownBy(() -> ImageMetadata.applyTo(annotations, BootSpec.empty()))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("com.urunc.unikernel.hypervisor=hvt")
                .hasMessageContaining("unibloc-urunc");
        assertThat(ImageMetadata.applyTo(
                                annotations, BootSpec.builder().vmm(Vmm.QEMU).build())
                        .guest())
                .isEqualTo(GuestKind.SOLO5);
    }

    @Test
    void unknownLabelValuesAreNamed() {
        assertThatThrownBy(() -> ImageMetadata.applyTo(Map.of("io.unibloc.guest", "osv"), BootSpec.empty()))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("io.unibloc.guest")
                .hasMessageContaining("\"osv\"");
        assertThatThrownBy(() ->
                        ImageMetadata.applyTo(Map.of("com.urunc.unikernel.unikernelType", "osv"), BootSpec.empty()))
                .hasMessageContaining("com.urunc.unikernel.unikernelType");
        assertThatThrownBy(() -> ImageMetadata.applyTo(Map.of("io.unibloc.vmm", "bhyve"), BootSpec.empty()))
                .hasMessageContaining("io.unibloc.vmm");
    }

    @Test
    void blankLabelsCountAsAbsent() {
        BootSpec effective = ImageMetadata.applyTo(
                Map.of("io.unibloc.kernel", " ", "com.urunc.unikernel.binary", "/k", "com.urunc.unikernel.cmdline", ""),
                BootSpec.empty());

        assertThat(effective.kernel()).isEqualTo("/k");
        assertThat(effective.args()).isEmpty();
    }

    @Test
    void neitherInputChanges() {
        Map<String, String> labels = new HashMap<>(Map.of("io.unibloc.kernel", "/k"));
        BootSpec spec = BootSpec.empty();

        BootSpec first = ImageMetadata.applyTo(labels, spec);
        BootSpec second = ImageMetadata.applyTo(labels, spec);

        assertThat(first).isEqualTo(second);
        assertThat(spec).isEqualTo(BootSpec.empty());
        assertThat(labels).containsExactly(Map.entry("io.unibloc.kernel", "/k"));
    }

    @Test
    void theNetLabelSetsHowTheGuestLearnsItsAddressAndABadValueNamesTheLabel() {
        BootSpec spec = ImageMetadata.applyTo(Map.of(ImageMetadata.NET, "dhcp"), BootSpec.empty());
        assertThat(spec.network().guestConfig()).isEqualTo(GuestNetConfig.DHCP);
        assertThat(spec.network().effectiveMode()).isEqualTo(NetworkMode.NONE);

        assertThatThrownBy(() -> ImageMetadata.applyTo(Map.of(ImageMetadata.NET, "bootp"), BootSpec.empty()))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("io.unibloc.net")
                .hasMessageContaining("cmdline, dhcp, none");
    }
}
