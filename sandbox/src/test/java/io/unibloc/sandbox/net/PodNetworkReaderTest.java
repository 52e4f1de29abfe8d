package io.unibloc.sandbox.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.launch.GuestAddress;
import io.unibloc.sandbox.spec.GuestPort;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** iproute2's JSON and resolv.conf as a Pod has them, and what the guest is told from them. */
class PodNetworkReaderTest {

    /** `ip -j addr show dev eth0` in a Pod with a dual-stack address (iproute2 6.1). */
    static final String ADDR = """
            [{"ifindex":3,"link_index":9,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],\
            "mtu":1450,"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether",\
            "address":"0a:58:0a:f4:01:07","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[\
            {"family":"inet","local":"10.244.1.7","prefixlen":24,"broadcast":"10.244.1.255","scope":"global",\
            "label":"eth0","valid_life_time":4294967295,"preferred_life_time":4294967295},\
            {"family":"inet6","local":"fd00:10:244:1::7","prefixlen":64,"scope":"global"},\
            {"family":"inet6","local":"fe80::858:aff:fef4:107","prefixlen":64,"scope":"link"}]}]""";

    /** `ip -j -4 route show default` with Calico's on-link gateway. */
    static final String ROUTE = """
            [{"dst":"default","gateway":"169.254.1.1","dev":"eth0","flags":["onlink"]}]""";

    static final String RESOLV = """
            # written by kubelet
            search default.svc.cluster.local svc.cluster.local cluster.local
            nameserver 10.96.0.10
            nameserver fd00:10:96::a
            options ndots:5
            """;

    @Test
    void readsAddressesMacAndMtuFromIproute2() throws Exception {
        PodInterface iface = PodNetworkReader.parseInterface("eth0", ADDR);

        assertThat(iface.mac()).isEqualTo("0a:58:0a:f4:01:07");
        assertThat(iface.mtu()).isEqualTo(1450);
        assertThat(iface.ipv4()).hasValue(new IpAddress(false, "10.244.1.7", 24, "global"));
        assertThat(iface.globalIpv6()).containsExactly(new IpAddress(true, "fd00:10:244:1::7", 64, "global"));
    }

    @Test
    void readsTheDefaultGatewayThroughTheInterface() throws Exception {
        assertThat(PodNetworkReader.parseGateway(ROUTE, "eth0")).isEqualTo("169.254.1.1");
        assertThat(PodNetworkReader.parseGateway(ROUTE, "eth1")).isNull();
        assertThat(PodNetworkReader.parseGateway("[]", "eth0")).isNull();
    }

    @Test
    void theGuestIsToldTheFirstIpv4AddressAndIpv4DnsOnly() throws Exception {
        PodNetwork pod = new PodNetwork(
                PodNetworkReader.parseInterface("eth0", ADDR), "169.254.1.1", ResolvConf.parse(RESOLV), "web-0");

        assertThat(pod.guestAddress())
                .isEqualTo(new GuestAddress(
                        "10.244.1.7", 24, "169.254.1.1", List.of("10.96.0.10"), "web-0", "default.svc.cluster.local"));
        assertThat(pod.guestAddress().netmask()).isEqualTo("255.255.255.0");
    }

    @Test
    void passtGetsThePodsAddressGatewayDnsAndTheDeclaredPorts() throws Exception {
        PodNetwork pod = new PodNetwork(
                PodNetworkReader.parseInterface("eth0", ADDR), "169.254.1.1", ResolvConf.parse(RESOLV), "web-0");

        List<String> argv = PasstDataPath.argv(
                "passt",
                pod,
                List.of(new GuestPort(8080, "TCP"), new GuestPort(53, "UDP"), new GuestPort(9090, "TCP")),
                Path.of("/w/passt.sock"));

        assertThat(argv)
                .containsExactly(
                        "passt",
                        "--foreground",
                        "--one-off",
                        "--socket",
                        "/w/passt.sock",
                        "--interface",
                        "eth0",
                        "--mtu",
                        "1450",
                        "--address",
                        "10.244.1.7",
                        "--netmask",
                        "24",
                        "--gateway",
                        "169.254.1.1",
                        "--dns",
                        "10.96.0.10",
                        "--dns",
                        "fd00:10:96::a",
                        "--search",
                        "default.svc.cluster.local svc.cluster.local cluster.local",
                        "--tcp-ports",
                        "8080,9090",
                        "--udp-ports",
                        "53");
    }

    @Test
    void noDeclaredPortsForwardsNoneInbound() {
        assertThat(PasstDataPath.portSpec(List.of(), GuestPort.TCP)).isEqualTo("none");
    }
}
