package io.unibloc.sandbox.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
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
  private final ObjectMapper json = new ObjectMapper();
  private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
  private final Object connectLock = new Object();
  private volatile String shutdownReason;
  private volatile boolean closed;
  private SocketChannel channel;
  private OutputStream out;

  QmpControl(Path socket) {
    this.socket = socket;
  }

  @Override
  public void vmmStarted(ProcessHandle vmm) {
    Thread connector = new Thread(() -> {
      try {
        connect(vmm);
      } catch (IOException e) {
        if (vmm.isAlive() && !closed) {
          LOG.warn("cannot connect to QMP socket={}: {}", socket, e.getMessage());
        }
      }
    }, "qmp-connect");
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
            throw new IOException("QMP socket " + socket + " did not accept within " + CONNECT_TIMEOUT_MS
                + " ms: " + e.getMessage(), e);
          }
          sleep(20);
        }
      }
      channel = opened;
      out = Channels.newOutputStream(channel);
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
          StandardCharsets.UTF_8));
      Thread reader = new Thread(() -> read(in), "qmp-events");
      reader.setDaemon(true);
      reader.start();
      awaitReply("greeting");
      execute("qmp_capabilities");
    }
  }

  private void read(BufferedReader in) {
    try {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode message = json.readTree(line);
        if (message.has("event")) {
          if ("SHUTDOWN".equals(message.path("event").asText())) {
            shutdownReason = message.path("data").path("reason").asText(null);
          }
        } else {
          replies.add(message);
        }
      }
    } catch (IOException e) {
      // QEMU exited or the socket was closed; nothing more to watch
    }
  }

  private void execute(String command) throws IOException {
    synchronized (this) {
      out.write(("{\"execute\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      JsonNode reply = awaitReply(command);
      if (reply.has("error")) {
        throw new IOException("QMP " + command + " failed: " + reply.path("error").path("desc").asText());
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
