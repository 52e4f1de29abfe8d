package io.unibloc.testkit.kube;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts every request the strict API server receives by client (its {@code User-Agent}), verb and resource, so that
 * a benchmark can say how many requests a controller spends per object and on what. Verbs are Kubernetes' own
 * ({@code get}, {@code list}, {@code watch}, {@code create}, {@code update}, {@code patch}, {@code delete}); the
 * resource is the plural with its subresource ({@code pods/status}).
 */
public final class RequestTally {
    private static final Pattern PATH = Pattern.compile(
            "^/(?:api/v1|apis/[^/]+/[^/]+)(?:/namespaces/([^/]+))?/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?$");

    /**
     * One kind of request: who sent it, the verb, the resource and the namespace ({@code ""} for cluster-scoped
     * and cross-namespace requests), so a test can tell one object's requests from its neighbours'.
     */
    public record Key(String agent, String verb, String resource, String namespace) {}

    private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one request; paths that name no resource (discovery, {@code /version}) count under their path. */
    public void count(String agent, String method, String pathAndQuery) {
        String verb;
        String resource;
        String namespace = "";
        Matcher m = PATH.matcher(pathAndQuery == null ? "" : pathAndQuery);
        if (m.matches()) {
            namespace = m.group(1) == null ? "" : m.group(1);
            boolean named = m.group(3) != null;
            boolean watch = m.group(5) != null && m.group(5).matches("(^|.*&)watch=(true|1)(&.*|$)");
            resource = m.group(4) == null ? m.group(2) : m.group(2) + "/" + m.group(4);
            verb = switch (method) {
                case "GET" -> watch ? "watch" : named ? "get" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> named ? "delete" : "deletecollection";
                default -> method.toLowerCase(java.util.Locale.ROOT);
            };
        } else {
            verb = method.toLowerCase(java.util.Locale.ROOT);
            resource = pathAndQuery;
        }
        counts.computeIfAbsent(new Key(agent == null ? "" : agent, verb, resource, namespace), k -> new LongAdder())
                .increment();
    }

    /** The counts so far, sorted by agent, verb and resource. */
    public Map<Key, Long> snapshot() {
        Map<Key, Long> out = new TreeMap<>(java.util.Comparator.comparing(Key::agent)
                .thenComparing(Key::verb)
                .thenComparing(Key::resource)
                .thenComparing(Key::namespace));
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Forgets everything counted so far (a benchmark's warm-up). */
    public void reset() {
        counts.clear();
    }
}
