package io.unibloc.registry.client;

import io.unibloc.registry.ref.ImageReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One place to send distribution API requests to: a mirror or the registry itself. {@code host} is
 * what credentials are looked up by; {@code base} is scheme + authority.
 */
record Endpoint(String host, URI base, boolean mirror) {

    /** Mirrors of {@code registry} first (in configured order), then the registry itself. */
    static List<Endpoint> forRegistry(String registry, RegistryConfig config) {
        List<Endpoint> out = new ArrayList<>();
        for (String m : config.mirrors().getOrDefault(registry, List.of())) {
            out.add(of(m, true, config));
        }
        out.add(of(registry, false, config));
        return out;
    }

    static Endpoint of(String text, boolean mirror, RegistryConfig config) {
        String t = text.trim();
        String scheme = null;
        int sep = t.indexOf("://");
        if (sep >= 0) {
            scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
            t = t.substring(sep + 3);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        String host = t.toLowerCase(Locale.ROOT);
        // Docker Hub's API lives on another host than its name.
        String apiHost = host.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : host;
        if (scheme == null) {
            scheme = isPlainHttp(host, config) ? "http" : "https";
        }
        return new Endpoint(host, URI.create(scheme + "://" + apiHost), mirror);
    }

    /** Loopback registries and the configured insecure hosts are spoken to over plain HTTP. */
    static boolean isPlainHttp(String hostPort, RegistryConfig config) {
        if (config.insecure().contains(hostPort)) {
            return true;
        }
        String h = hostPort;
        if (h.startsWith("[")) {
            h = h.substring(0, h.indexOf(']') + 1);
        } else if (h.indexOf(':') >= 0) {
            h = h.substring(0, h.indexOf(':'));
        }
        return config.insecure().contains(h) || h.equals("localhost") || h.equals("[::1]") || h.startsWith("127.");
    }

    URI resolve(String path) {
        return base.resolve(path);
    }

    @Override
    public String toString() {
        return base + (mirror ? " (mirror)" : "");
    }
}
