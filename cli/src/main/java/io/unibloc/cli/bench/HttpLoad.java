package io.unibloc.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The network scenario's HTTP client, run as its own process inside the peer namespace ({@code ip netns exec NODE
 * java ... HttpLoad HOST PORT PATH COUNT}): COUNT sequential HTTP/1.0 GETs, one connection each (busybox httpd closes
 * after every response), after 5 unmeasured warm-up requests. One line per request on stdout: total nanoseconds,
 * connect nanoseconds (the TCP handshake: the path plus the guest kernel, no guest user space), bytes received, and
 * {@code ok} or the error. Plain sockets rather than an HTTP client library, so the client adds nothing measurable.
 */
public final class HttpLoad {

    private static final int WARM_UP = 5;
    private static final int TIMEOUT_MS = 30_000;

    private HttpLoad() {}

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: HttpLoad HOST PORT PATH COUNT");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        String path = args[2];
        int count = Integer.parseInt(args[3]);
        PrintStream out = System.out;
        byte[] buffer = new byte[1 << 16];
        for (int i = -WARM_UP; i < count; i++) {
            long start = System.nanoTime();
            long connected = start;
            long bytes = 0;
            String outcome;
            try (Socket socket = new Socket()) {
                socket.setSoTimeout(TIMEOUT_MS);
                socket.connect(target, TIMEOUT_MS);
                connected = System.nanoTime();
                OutputStream request = socket.getOutputStream();
                request.write(("GET " + path + " HTTP/1.0\r\nHost: " + args[0] + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                request.flush();
                InputStream response = socket.getInputStream();
                byte[] head = new byte[12];
                int got = 0;
                for (int n; got < head.length && (n = response.read(head, got, head.length - got)) > 0; ) {
                    got += n;
                }
                bytes = got;
                for (int n; (n = response.read(buffer)) > 0; ) {
                    bytes += n;
                }
                String status = new String(head, 0, got, StandardCharsets.US_ASCII);
                outcome = status.matches("HTTP/1\\.[01] 200") ? "ok" : "status:" + status.replace(' ', '_');
            } catch (IOException e) {
                outcome = "error:" + e.getClass().getSimpleName();
            }
            long end = System.nanoTime();
            if (i >= 0) {
                out.println((end - start) + " " + (connected - start) + " " + bytes + " " + outcome);
            }
        }
        out.flush();
    }
}
