package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.spec.GuestNetConfig;
import io.unibloc.sandbox.spec.ImageMetadata;
import io.unibloc.sandbox.spec.NetworkSpec;
import io.unibloc.types.Machine;
import io.unibloc.types.NetworkMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exact kernel command line for a Pod at 10.244.1.7/24, gateway 10.244.1.1, DNS 10.96.0.10 (and a second server
 * where the case says), per guest kind and per image label {@value ImageMetadata#NET}.
 */
class GuestCmdlineNetworkTest {

    private static final GuestAddress ONE_DNS = new GuestAddress(
            "10.244.1.7", 24, "10.244.1.1", List.of("10.96.0.10"), "web-0", "default.svc.cluster.local");
    private static final GuestAddress TWO_DNS = new GuestAddress(
            "10.244.1.7", 24, "10.244.1.1", List.of("10.96.0.10", "10.96.0.11"), "web-0", "default.svc.cluster.local");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "linux, default (cmdline)",
                        GuestKind.LINUX,
                        Map.of(),
                        List.of(),
                        ONE_DNS,
                        "console=ttyS0 root=/dev/vda rw panic=1 edd=off"
                                + " ip=10.244.1.7::10.244.1.1:255.255.255.0:web-0:eth0:off:10.96.0.10"),
                Arguments.of(
                        "linux, two DNS servers and args",
                        GuestKind.LINUX,
                        Map.of(),
                        List.of("/app/run", "8080"),
                        TWO_DNS,
                        "console=ttyS0 root=/dev/vda rw panic=1 edd=off"
                                + " ip=10.244.1.7::10.244.1.1:255.255.255.0:web-0:eth0:off:10.96.0.10:10.96.0.11"
                                + " -- /app/run 8080"),
                Arguments.of(
                        "linux, label dhcp",
                        GuestKind.LINUX,
                        Map.of(ImageMetadata.NET, "dhcp"),
                        List.of(),
                        ONE_DNS,
                        "console=ttyS0 root=/dev/vda rw panic=1 edd=off ip=dhcp"),
                Arguments.of(
                        "linux, label none",
                        GuestKind.LINUX,
                        Map.of(ImageMetadata.NET, "none"),
                        List.of(),
                        ONE_DNS,
                        "console=ttyS0 root=/dev/vda rw panic=1 edd=off"),
                Arguments.of(
                        "unikraft, default: parameters before a -- even without args",
                        GuestKind.UNIKRAFT,
                        Map.of(),
                        List.of(),
                        ONE_DNS,
                        "netdev.ip=10.244.1.7/24:10.244.1.1:10.96.0.10 --"),
                Arguments.of(
                        "unikraft, two DNS servers carry host name and domain, args after --",
                        GuestKind.UNIKRAFT,
                        Map.of(),
                        List.of("-c", "/nginx/conf/nginx.conf"),
                        TWO_DNS,
                        "netdev.ip=10.244.1.7/24:10.244.1.1:10.96.0.10:10.96.0.11:web-0:default.svc.cluster.local"
                                + " -- -c /nginx/conf/nginx.conf"),
                Arguments.of(
                        "unikraft, label dhcp: nothing, and no forced --",
                        GuestKind.UNIKRAFT,
                        Map.of(ImageMetadata.NET, "dhcp"),
                        List.of(),
                        ONE_DNS,
                        ""),
                Arguments.of(
                        "unikraft, label none (a kernel without the parameter library): args only",
                        GuestKind.UNIKRAFT,
                        Map.of(ImageMetadata.NET, "none"),
                        List.of("serve"),
                        ONE_DNS,
                        "-- serve"),
                Arguments.of(
                        "multiboot, default none", GuestKind.MULTIBOOT, Map.of(), List.of("serve"), ONE_DNS, "serve"),
                Arguments.of(
                        "multiboot, label cmdline: Unikraft's syntax in front of the args",
                        GuestKind.MULTIBOOT,
                        Map.of(ImageMetadata.NET, "cmdline"),
                        List.of("serve"),
                        ONE_DNS,
                        "netdev.ip=10.244.1.7/24:10.244.1.1:10.96.0.10 serve"),
                Arguments.of("solo5, default none", GuestKind.SOLO5, Map.of(), List.of(), ONE_DNS, ""),
                Arguments.of(
                        "solo5, label cmdline: MirageOS's arguments",
                        GuestKind.SOLO5,
                        Map.of(ImageMetadata.NET, "cmdline"),
                        List.of("--port=80"),
                        ONE_DNS,
                        "--ipv4=10.244.1.7/24 --ipv4-gateway=10.244.1.1 --port=80"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theGuestIsToldThePodsAddressInItsOwnSyntax(
            String name,
            GuestKind guest,
            Map<String, String> labels,
            List<String> args,
            GuestAddress address,
            String expected) {
        BootSpec spec = ImageMetadata.applyTo(
                        labels,
                        BootSpec.builder()
                                .kernel("/boot/kernel")
                                .guest(guest)
                                .machine(Machine.PC)
                                .args(args)
                                .network(new NetworkSpec(NetworkMode.PASST, List.of()))
                                .build())
                .resolve();
        GuestNetwork network = new GuestNetwork(new GuestNic.Stream(Path.of("/run/passt.sock"), null, 1500), address);

        assertThat(GuestCmdline.compose(spec, Accel.TCG, OptionalLong.empty(), network))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void withoutANetworkNothingIsAdded(
            String name,
            GuestKind guest,
            Map<String, String> labels,
            List<String> args,
            GuestAddress address,
            String expected) {
        BootSpec spec = BootSpec.builder()
                .kernel("/boot/kernel")
                .guest(guest)
                .machine(Machine.PC)
                .args(args)
                .build()
                .resolve();

        assertThat(GuestCmdline.compose(spec, Accel.TCG, OptionalLong.empty(), null))
                .doesNotContain("ip=")
                .doesNotContain("--ipv4");
    }

    @Test
    void theImageLabelDoesNotOverrideTheSpec() {
        BootSpec spec = ImageMetadata.applyTo(
                Map.of(ImageMetadata.NET, "none"),
                BootSpec.builder()
                        .network(new NetworkSpec(NetworkMode.PASST, List.of(), GuestNetConfig.DHCP))
                        .build());

        assertThat(spec.network().guestConfig()).isEqualTo(GuestNetConfig.DHCP);
    }
}
