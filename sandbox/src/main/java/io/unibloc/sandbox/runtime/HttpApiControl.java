package io.unibloc.sandbox.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Graceful shutdown through a VMM's HTTP API on a UNIX socket (Firecracker, Cloud Hypervisor): one
 * {@code PUT} with a JSON body. HTTP/1.1 with {@code Connection: close}, so the response ends at EOF.
 */
final class HttpApiControl implements VmmControl {

    private final Path socket;
    private final String path;
    private final String body;

    HttpApiControl(Path socket, String path, String body) {
        this.socket = socket;
        this.path = path;
        this.body = body;
    }

    @Override
    public void pressPowerButton() throws IOException {
        int status = put(socket, path, body);
        if (status / 100 != 2) {
            throw new IOException("PUT " + path + " on " + socket + " answered HTTP " + status);
        }
    }

    @Override
    public String shutdownReason() {
        return null;
    }

    /** Sends one PUT and returns the HTTP status code. */
    static int put(Path socket, String path, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "PUT " + path + " HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Accept: application/json\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + content.length + "\r\n"
                + "Connection: close\r\n\r\n";
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer request = ByteBuffer.allocate(head.length() + content.length);
            request.put(head.getBytes(StandardCharsets.US_ASCII)).put(content).flip();
            while (request.hasRemaining()) {
                channel.write(request);
            }
            InputStream in = Channels.newInputStream(channel);
            ByteArrayOutputStream statusLine = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                statusLine.write(b);
            }
            String line = statusLine.toString(StandardCharsets.US_ASCII).strip();
            String[] parts = line.split(" ");
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP response from " + socket + ": \"" + line + "\"");
            }
            try {
                return Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status from " + socket + ": \"" + line + "\"", e);
            }
        }
    }
}
