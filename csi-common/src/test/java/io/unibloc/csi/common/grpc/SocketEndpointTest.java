package io.unibloc.csi.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SocketEndpointTest {
    @Test
    void acceptsTheFormsSidecarsUse() {
        assertThat(SocketEndpoint.parse("unix:///csi/csi.sock").path()).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(SocketEndpoint.parse("unix:/csi/csi.sock").path()).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(SocketEndpoint.parse("/var/lib/kubelet/plugins/block.unibloc.io/csi.sock")
                        .path())
                .isEqualTo(Path.of("/var/lib/kubelet/plugins/block.unibloc.io/csi.sock"));
    }

    @Test
    void refusesEverythingElseNamingIt() {
        assertThatThrownBy(() -> SocketEndpoint.parse("tcp://127.0.0.1:10000"))
                .hasMessageContaining("tcp://127.0.0.1:10000");
        assertThatThrownBy(() -> SocketEndpoint.parse("unix://relative.sock")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> SocketEndpoint.parse("")).hasMessageContaining("empty");
    }
}
