package io.unibloc.sandbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QMP as QEMU speaks it (greeting, capabilities negotiation, events between replies), from a fake server. */
@Timeout(30)
class QmpControlTest {

    @TempDir
    Path dir;

    private final List<String> commands = new CopyOnWriteArrayList<>();

    private void fakeQemu(Path socket, String powerdownReply) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread thread = new Thread(() -> {
            try (server;
                    SocketChannel client = server.accept()) {
                OutputStream out = Channels.newOutputStream(client);
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                send(
                        out,
                        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": []}}");
                String line;
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    if (line.contains("system_powerdown")) {
                        send(out, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"POWERDOWN\"}");
                        send(out, powerdownReply);
                        send(
                                out,
                                "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 3}, \"event\": \"SHUTDOWN\", "
                                        + "\"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}");
                    } else {
                        send(out, "{\"return\": {}}");
                    }
                }
            } catch (IOException e) {
                // client went away
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    private static void send(OutputStream out, String message) throws IOException {
        out.write((message + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void negotiatesThenPowersDownAndRecordsWhyTheGuestStopped() throws Exception {
        Path socket = dir.resolve("qmp.sock");
        fakeQemu(socket, "{\"return\": {}}");
        QmpControl control = new QmpControl(socket);

        control.pressPowerButton();

        assertThat(commands)
                .containsExactly("{\"execute\":\"qmp_capabilities\"}", "{\"execute\":\"system_powerdown\"}");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (control.shutdownReason() == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(control.shutdownReason()).isEqualTo("guest-shutdown");
        control.close();
    }

    @Test
    void anErrorReplyIsAnError() throws Exception {
        Path socket = dir.resolve("qmp.sock");
        fakeQemu(socket, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"not now\"}}");
        QmpControl control = new QmpControl(socket);

        assertThatThrownBy(control::pressPowerButton)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not now");
        control.close();
    }

    @Test
    void connectingWaitsForTheSocketToAppear() throws Exception {
        Path socket = dir.resolve("late.sock");
        QmpControl control = new QmpControl(socket);
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(300);
                fakeQemu(socket, "{\"return\": {}}");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        late.start();

        control.pressPowerButton();

        assertThat(commands).contains("{\"execute\":\"system_powerdown\"}");
        control.close();
    }
}
