package io.unibloc.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.net.NetworkOptions;
import io.unibloc.sandbox.net.PublishedPort;
import io.unibloc.sandbox.spec.GuestPort;
import io.unibloc.types.NetworkMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunNetworkTest {

    @Test
    void noOptionsMeansNoNetwork() {
        assertThat(RunNetwork.parse(null, List.of()).mode()).isEqualTo(NetworkMode.NONE);
    }

    @Test
    void publishingAPortImpliesUserNetworkingOnLoopback() {
        RunNetwork net = RunNetwork.parse(null, List.of("18080:8080", "5353:53/udp"));

        assertThat(net.mode()).isEqualTo(NetworkMode.PASST);
        assertThat(net.published())
                .containsExactly(
                        new PublishedPort("127.0.0.1", 18080, 8080, GuestPort.TCP),
                        new PublishedPort("127.0.0.1", 5353, 53, GuestPort.UDP));
        assertThat(net.spec().ports()).containsExactly(new GuestPort(8080, "TCP"), new GuestPort(53, "UDP"));
        NetworkOptions options = net.options(Map.of(NetworkOptions.ENV_INTERFACE, "eth7"));
        assertThat(options.interfaceName()).isEqualTo("eth7");
        assertThat(options.published()).hasSize(2);
    }

    @Test
    void tapTakesOverTheNamespacesEth0() {
        RunNetwork net = RunNetwork.parse("tap", List.of());

        assertThat(net.mode()).isEqualTo(NetworkMode.TAP);
        assertThat(net.options(Map.of()).interfaceName()).isEqualTo("eth0");
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> RunNetwork.parse("bridge", List.of()))
                .hasMessageContaining("--net must be none, user or tap");
        assertThatThrownBy(() -> RunNetwork.parse(null, List.of("8080")))
                .hasMessageContaining("-p 8080: expected HOSTPORT:GUESTPORT");
        assertThatThrownBy(() -> RunNetwork.parse(null, List.of("8080:0")))
                .hasMessageContaining("-p 8080:0")
                .hasMessageContaining("port must be 1 to 65535");
        assertThatThrownBy(() -> RunNetwork.parse("tap", List.of("8080:80")))
                .hasMessageContaining("-p needs --net user");
        assertThatThrownBy(() -> RunNetwork.parse("none", List.of("8080:80")))
                .hasMessageContaining("-p needs --net user");
    }
}
