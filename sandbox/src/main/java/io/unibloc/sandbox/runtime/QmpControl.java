package io.unibloc.sandbox.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU's QMP socket. Connects as soon as QEMU has started (QEMU creates the socket during start-up, so the
 * first attempts may find nothing), keeps one connection open to watch {@code SHUTDOWN} events, and sends
 * {@code system_powerdown} on request.
 */
final class QmpControl implements VmmControl {

    private static final Logger LOG = LoggerFactory.getLogger(QmpControl.class);
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final long REPLY_TIMEOUT_MS = 5_000;

    private final Path socket;
    /** Made by the reader thread on the first message: data binding stays off the path to the VMM's start. */
    private ObjectMapper json;

    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final Object connectLock = new Object();
    private volatile String shutdownReason;
    private volatile boolean closed;
    private SocketChannel channel;

    QmpControl(Path socket) {
        this.socket = socket;
    }

    @Override
    public void vmmStarted(ProcessHandle vmm) {
        Thread connector = new Thread(
                () -> {
                    try {
                        connect(vmm);
                    } catch (IOException e) {
                        if (vmm.isAlive() && !closed) {
                            LOG.warn("cannot connect to QMP socket={}: {}", socket, e.getMessage());
                        }
                    }
                },
                "qmp-connect");
        connector.setDaemon(true);
        connector.start();
    }

    @Override
    public void pressPowerButton() throws IOException {
        connect(null);
        execute("system_powerdown");
    }

    @Override
    public String shutdownReason() {
        return shutdownReason;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (connectLock) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a socket of an exited QEMU
                }
            }
        }
    }

    /** Connects and negotiates capabilities once; later calls return at once. */
    private void connect(ProcessHandle vmm) throws IOException {
        synchronized (connectLock) {
            if (channel != null) {
                return;
            }
            long deadline = System.currentTimeMillis() + CONNECT_TIMEOUT_MS;
            SocketChannel opened;
            while (true) {
                if (closed || (vmm != null && !vmm.isAlive())) {
                    throw new IOException("QEMU is gone");
                }
                SocketChannel attempt = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    attempt.connect(UnixDomainSocketAddress.of(socket));
                    opened = attempt;
                    break;
                } catch (IOException e) {
                    attempt.close();
                    if (System.currentTimeMillis() > deadline) {
                        throw new IOException(
                                "QMP socket " + socket + " did not accept within " + CONNECT_TIMEOUT_MS + " ms: "
                                        + e.getMessage(),
                                e);
                    }
                    sleep(20);
                }
            }
            channel = opened;
            SocketChannel connected = opened;
            Thread reader = new Thread(() -> read(connected), "qmp-events");
            reader.setDaemon(true);
            reader.start();
            awaitReply("greeting");
            execute("qmp_capabilities");
        }
    }

    /**
     * Reads QMP messages (one JSON object per line) until the socket closes. Reads go straight to the
     * channel: the stream adapters of {@code Channels} share one lock between reading and writing, so a
     * blocked reader would stop every command from being sent.
     */
    private void read(SocketChannel source) {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (source.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        handle(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // QEMU exited or the socket was closed; nothing more to watch
        }
    }

    private void handle(String line) throws IOException {
        if (line.isBlank()) {
            return;
        }
        if (json == null) {
            json = new ObjectMapper();
        }
        JsonNode message = json.readTree(line);
        if (message.has("event")) {
            if ("SHUTDOWN".equals(message.path("event").asText())) {
                shutdownReason = message.path("data").path("reason").asText(null);
            }
        } else {
            replies.add(message);
        }
    }

    private void execute(String command) throws IOException {
        synchronized (this) {
            ByteBuffer request =
                    ByteBuffer.wrap(("{\"execute\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            JsonNode reply = awaitReply(command);
            if (reply.has("error")) {
                throw new IOException("QMP " + command + " failed: "
                        + reply.path("error").path("desc").asText());
            }
        }
    }

    private JsonNode awaitReply(String what) throws IOException {
        try {
            JsonNode reply = replies.poll(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw new IOException("no QMP reply to " + what + " within " + REPLY_TIMEOUT_MS + " ms");
            }
            return reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for QMP " + what, e);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
