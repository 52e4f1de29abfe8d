package io.unibloc.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD dispatcher, made to refuse what a real kube-apiserver refuses where that matters to unibloc:
 * <ul>
 *   <li>an RFC 6902 JSON patch is applied strictly: an {@code add} whose parent is missing, or a
 *       {@code replace}/{@code remove} of a missing member, is 422 (fabric8's mock creates the parents);</li>
 *   <li>a JSON merge patch is applied by RFC 7386 ({@code null} removes a member; fabric8's mock stores the null);</li>
 *   <li>server-side apply is 415, as in fabric8's mock: the code under test must not depend on it;</li>
 *   <li>Pods have a status subresource like the CRDs that declare one: status is dropped on create and on
 *       writes to the main resource, and changes only through {@code /status};</li>
 *   <li>admission (the RuntimeClass plugin): a Pod whose {@code runtimeClassName} names no RuntimeClass is 403
 *       Forbidden; otherwise the RuntimeClass's {@code scheduling.nodeSelector} is merged into the Pod's (a key the
 *       Pod sets to another value is 403 "conflict"), its tolerations are appended unless the Pod has them, and its
 *       {@code overhead} becomes the Pod's — once, at creation, as a real API server does;</li>
 *   <li>Pod Security admission for namespaces labelled {@code pod-security.kubernetes.io/enforce: baseline} or
 *       {@code restricted} ({@link PodSecurityAdmission}): 403 Forbidden with the real message and details;</li>
 *   <li>a stale {@code metadata.resourceVersion} is 409 Conflict, and {@code metadata.generation} moves only on
 *       spec changes (both from fabric8's mock, kept).</li>
 * </ul>
 * Every write is recorded ({@link #requests()}) so that tests can assert what was sent, every request is counted
 * ({@link #tally()}) so that benchmarks can say what a controller spends, and tests can make the next matching
 * requests fail ({@link #failNext}) as a busy or conflicting server would.
 */
public class StrictApiDispatcher extends KubernetesCrudDispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PODS =
            Pattern.compile("^/api/v1/namespaces/([^/]+)/pods(/([^/?]+))?(/status)?(\\?.*)?$");
    private static final String JSON_PATCH = "application/json-patch+json";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String APPLY_PATCH = "application/apply-patch+yaml";

    /** One write as it reached the server. */
    public record Write(String method, String path, String contentType, String body) {}

    private final List<Write> writes = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    /** Requests to answer with an error instead of serving them. */
    private record Fault(String method, Pattern path, AtomicInteger left, int code, String reason, String message) {}

    /**
     * The next {@code times} requests with this method whose path (without the query) matches {@code pathRegex} get
     * a {@code Status} with {@code code} and {@code reason} instead of being served (and change nothing); a write
     * among them is still recorded.
     */
    public void failNext(String method, String pathRegex, int times, int code, String reason, String message) {
        faults.add(new Fault(method, Pattern.compile(pathRegex), new AtomicInteger(times), code, reason, message));
    }

    private final RequestTally tally = new RequestTally();

    /** Every request received so far (reads, watches and writes), by client, verb and resource. */
    public RequestTally tally() {
        return tally;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        tally.count(request.getHeader("User-Agent"), request.getMethod(), request.getPath());
        String path = request.getPath() == null ? "" : request.getPath().replaceFirst("\\?.*$", "");
        for (Fault f : faults) {
            if (f.method().equalsIgnoreCase(request.getMethod())
                    && f.path().matcher(path).matches()
                    && f.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (!"GET".equalsIgnoreCase(request.getMethod()) && !"DELETE".equalsIgnoreCase(request.getMethod())) {
                    record(request);
                }
                return status(f.code(), f.reason(), f.message());
            }
        }
        return super.dispatch(request);
    }

    /** Every POST, PUT and PATCH received so far, in order. */
    public List<Write> requests() {
        return List.copyOf(writes);
    }

    @Override
    public boolean isStatusSubresourceEnabledForResource(String path) {
        return PODS.matcher(path).matches() || super.isStatusSubresourceEnabledForResource(path);
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        String body = record(request);
        Matcher pod = PODS.matcher(request.getPath());
        if (pod.matches() && pod.group(3) == null) {
            JsonNode node = read(body);
            String runtimeClass = node == null
                    ? null
                    : node.path("spec").path("runtimeClassName").asText(null);
            if (runtimeClass != null) {
                Map.Entry<?, String> found =
                        findResource(getKey("/apis/node.k8s.io/v1/runtimeclasses/" + runtimeClass));
                String name = node.path("metadata").path("name").asText("");
                if (found == null) {
                    return status(
                            403,
                            "Forbidden",
                            "pods \"" + name + "\" is forbidden: pod rejected: RuntimeClass \"" + runtimeClass
                                    + "\" not found");
                }
                // Mutating admission (RuntimeClass) runs before validating admission (Pod Security), as in the API
                // server.
                String conflict = RuntimeClassAdmission.admit((ObjectNode) node, read(found.getValue()));
                if (conflict != null) {
                    return status(403, "Forbidden", "pods \"" + name + "\" is forbidden: " + conflict);
                }
                request = rewritten(request, contentType(request), node.toString());
            }
            Map.Entry<?, String> namespace = findResource(getKey("/api/v1/namespaces/" + pod.group(1)));
            JsonNode labels = namespace == null
                    ? null
                    : read(namespace.getValue()).path("metadata").path("labels");
            if (node != null) {
                var refused = PodSecurityAdmission.refusal(labels, node);
                if (refused.isPresent()) {
                    return forbidden(node.path("metadata").path("name").asText(""), "pods", refused.get());
                }
            }
        }
        return super.handleCreate(request);
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        record(request);
        return super.handleUpdate(request);
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String body = record(request);
        String type = contentType(request);
        if (APPLY_PATCH.equals(type)) {
            return status(415, "UnsupportedMediaType", "server-side apply is not supported by the test API server");
        }
        if (!JSON_PATCH.equals(type) && !MERGE_PATCH.equals(type)) {
            return super.handlePatch(request);
        }
        Map.Entry<?, String> current = findResource(getKey(request.getPath()));
        if (current == null) {
            return super.handlePatch(request);
        }
        JsonNode patch = read(body);
        if (patch == null) {
            return status(400, "BadRequest", "the patch is not JSON");
        }
        JsonNode existing = read(current.getValue());
        if (JSON_PATCH.equals(type)) {
            JsonNode patched;
            try {
                patched = JsonPatch.apply(patch, existing);
            } catch (JsonPatchException | IllegalArgumentException e) {
                return status(
                        422,
                        "Invalid",
                        "the server rejected our request due to an error in our request: " + e.getMessage());
            }
            return finalState(request, super.handlePatch(request), patched);
        }
        // Merge patch: apply it by RFC 7386, then hand fabric8 the equivalent JSON patch (which it applies faithfully).
        JsonNode merged = MergePatch.apply(existing, patch);
        JsonNode equivalent = JsonDiff.asJson(existing, merged);
        return finalState(request, super.handlePatch(rewritten(request, JSON_PATCH, equivalent.toString())), merged);
    }

    /**
     * A patch that removes the last finalizer of an object being deleted deletes it; the API server then answers 200
     * with the object as patched (fabric8's mock answers without a body, which a client reads as null).
     */
    private MockResponse finalState(RecordedRequest request, MockResponse served, JsonNode patched) {
        if (served.code() < 300 && findResource(getKey(request.getPath())) == null) {
            return new MockResponse().setResponseCode(200).setBody(patched.toString());
        }
        return served;
    }

    private String record(RecordedRequest request) {
        String body =
                request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
        writes.add(new Write(request.getMethod(), request.getPath(), contentType(request), body));
        return body;
    }

    private static String contentType(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (type == null) {
            return null;
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static RecordedRequest rewritten(RecordedRequest request, String contentType, String body) {
        Headers headers = request.getHeaders()
                .newBuilder()
                .removeAll("Content-Type")
                .add("Content-Type", contentType)
                .build();
        return new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                request.getPath(),
                headers,
                new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode read(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code apierrors.NewForbidden}: 403, reason Forbidden, details naming the object and its resource. */
    private static MockResponse forbidden(String name, String resource, String message) {
        ObjectNode status = statusBody(403, "Forbidden", message);
        status.putObject("details").put("name", name).put("kind", resource);
        return new MockResponse().setResponseCode(403).setBody(status.toString());
    }

    /** A {@code Status} body as the API server sends it with an error code. */
    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse()
                .setResponseCode(code)
                .setBody(statusBody(code, reason, message).toString());
    }

    private static ObjectNode statusBody(int code, String reason, String message) {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status")
                .put("apiVersion", "v1")
                .put("status", "Failure")
                .put("message", message)
                .put("reason", reason)
                .put("code", code);
        status.putObject("metadata");
        return status;
    }
}
