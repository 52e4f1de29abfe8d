package io.unibloc.csi.common.grpc;

import java.nio.file.Path;

/** A UNIX socket endpoint as CSI sidecars write it: {@code unix:///csi/csi.sock}, {@code unix:/csi/csi.sock} or a plain absolute path. */
public record SocketEndpoint(Path path) {
    public SocketEndpoint {
        if (path == null || !path.isAbsolute()) {
            throw new IllegalArgumentException("socket path must be absolute: " + path);
        }
        path = path.normalize();
    }

    public static SocketEndpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("endpoint is empty; expected unix:///path/to/csi.sock");
        }
        String rest = text.trim();
        if (rest.startsWith("unix://")) {
            rest = rest.substring("unix://".length());
        } else if (rest.startsWith("unix:")) {
            rest = rest.substring("unix:".length());
        } else if (rest.contains("://")) {
            throw new IllegalArgumentException("unsupported endpoint '" + text + "': only unix:// sockets are served");
        }
        if (!rest.startsWith("/")) {
            throw new IllegalArgumentException("endpoint '" + text + "' must name an absolute socket path");
        }
        return new SocketEndpoint(Path.of(rest));
    }

    @Override
    public String toString() {
        return "unix://" + path;
    }
}
