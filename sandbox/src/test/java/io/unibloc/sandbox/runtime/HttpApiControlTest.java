package io.unibloc.sandbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Firecracker's and Cloud Hypervisor's power button over HTTP on a UNIX socket, against a fake server. */
@Timeout(30)
class HttpApiControlTest {

    @TempDir
    Path dir;

    /** Serves one request with {@code status} and returns what it received. */
    private CompletableFuture<String> serveOnce(Path socket, int status) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return CompletableFuture.supplyAsync(() -> {
            try (server;
                    SocketChannel client = server.accept()) {
                StringBuilder request = new StringBuilder();
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                while (!complete(request)) {
                    buffer.clear();
                    if (client.read(buffer) < 0) {
                        break;
                    }
                    request.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
                }
                client.write(ByteBuffer.wrap(("HTTP/1.1 " + status + " X\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                return request.toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static boolean complete(StringBuilder request) {
        int end = request.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        int length = 0;
        for (String line : request.substring(0, end).split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return request.length() >= end + 4 + length;
    }

    @Test
    void firecrackerGetsCtrlAltDel() throws Exception {
        Path socket = dir.resolve("fc.sock");
        CompletableFuture<String> received = serveOnce(socket, 204);

        new HttpApiControl(socket, "/actions", "{\"action_type\":\"SendCtrlAltDel\"}").pressPowerButton();

        String request = received.get(10, TimeUnit.SECONDS);
        assertThat(request)
                .startsWith("PUT /actions HTTP/1.1\r\n")
                .contains("Content-Type: application/json")
                .endsWith("\r\n\r\n{\"action_type\":\"SendCtrlAltDel\"}");
    }

    @Test
    void cloudHypervisorGetsThePowerButton() throws Exception {
        Path socket = dir.resolve("ch.sock");
        CompletableFuture<String> received = serveOnce(socket, 204);

        new HttpApiControl(socket, "/api/v1/vm.power-button", "").pressPowerButton();

        assertThat(received.get(10, TimeUnit.SECONDS))
                .startsWith("PUT /api/v1/vm.power-button HTTP/1.1\r\n")
                .contains("Content-Length: 0");
    }

    @Test
    void anErrorStatusIsAnError() throws Exception {
        Path socket = dir.resolve("err.sock");
        serveOnce(socket, 400);

        assertThatThrownBy(() -> new HttpApiControl(socket, "/actions", "{}").pressPowerButton())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 400");
    }

    @Test
    void aMissingSocketIsAnError() {
        assertThatThrownBy(() -> new HttpApiControl(dir.resolve("none.sock"), "/actions", "{}").pressPowerButton())
                .isInstanceOf(IOException.class);
    }
}
