package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.spec.GuestNetConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel parameters that tell a guest its network configuration, in the syntax its kind reads. They go in front
 * of the application's arguments ({@link GuestCmdline} places them before {@code --}).
 *
 * <ul>
 *   <li>linux, {@code cmdline}: {@code ip=<addr>::<gw>:<netmask>:<hostname>:eth0:off[:<dns0>[:<dns1>]]}, the
 *       kernel's own IP autoconfiguration syntax (nfsroot.rst), which an initramfs can parse when the kernel has no
 *       {@code CONFIG_IP_PNP}; {@code dhcp}: {@code ip=dhcp}.
 *   <li>unikraft, {@code cmdline}: {@code netdev.ip=<addr>/<prefix>:<gw>[:<dns0>[:<dns1>[:<hostname>[:<domain>]]]]}
 *       (Unikraft 0.16's uknetdev). Host name and domain are only written with two DNS servers, because the fields
 *       are positional and the sandbox does not rely on the parser accepting an empty one. {@code dhcp}: nothing,
 *       lwIP asks by DHCP when it has no address.
 *   <li>solo5, {@code cmdline}: {@code --ipv4=<addr>/<prefix> [--ipv4-gateway=<gw>]}, the arguments MirageOS's
 *       network stack reads.
 *   <li>multiboot, {@code cmdline}: the Unikraft syntax (Unikraft kernels are the Multiboot kernels that read
 *       network parameters; label them {@code io.unibloc.guest=unikraft} to get its {@code --} handling too).
 *   <li>{@code none}, and {@code dhcp} for solo5 and multiboot: nothing.
 * </ul>
 */
public final class NetParams {

    private NetParams() {}

    /**
     * @param address the guest's address; {@code null} (no network, or nothing to tell) gives no parameters
     * @return the words to add, in order, possibly empty
     */
    public static List<String> kernelParams(GuestKind guest, GuestNetConfig config, GuestAddress address) {
        if (config == GuestNetConfig.NONE) {
            return List.of();
        }
        if (config == GuestNetConfig.DHCP) {
            return guest == GuestKind.LINUX ? List.of("ip=dhcp") : List.of();
        }
        if (address == null) {
            return List.of();
        }
        return switch (guest) {
            case LINUX -> List.of(linux(address));
            case UNIKRAFT, MULTIBOOT -> List.of(unikraft(address));
            case SOLO5 -> solo5(address);
        };
    }

    static String linux(GuestAddress a) {
        StringBuilder ip = new StringBuilder("ip=")
                .append(a.address())
                .append("::")
                .append(orEmpty(a.gateway()))
                .append(':')
                .append(a.netmask())
                .append(':')
                .append(orEmpty(a.hostname()))
                .append(":eth0:off");
        for (String dns : a.dns().subList(0, Math.min(2, a.dns().size()))) {
            ip.append(':').append(dns);
        }
        return ip.toString();
    }

    static String unikraft(GuestAddress a) {
        List<String> fields = new ArrayList<>();
        fields.add(a.address() + "/" + a.prefix());
        fields.add(orEmpty(a.gateway()));
        fields.addAll(a.dns().subList(0, Math.min(2, a.dns().size())));
        if (a.dns().size() >= 2 && a.hostname() != null) {
            fields.add(a.hostname());
            if (a.domain() != null) {
                fields.add(a.domain());
            }
        }
        while (fields.size() > 1 && fields.get(fields.size() - 1).isEmpty()) {
            fields.remove(fields.size() - 1);
        }
        return "netdev.ip=" + String.join(":", fields);
    }

    static List<String> solo5(GuestAddress a) {
        List<String> words = new ArrayList<>();
        words.add("--ipv4=" + a.address() + "/" + a.prefix());
        if (a.gateway() != null) {
            words.add("--ipv4-gateway=" + a.gateway());
        }
        return words;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
