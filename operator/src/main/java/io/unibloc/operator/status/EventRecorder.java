package io.unibloc.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits core/v1 Events about a resource, as {@code kubectl describe} shows them. Best effort: an Event
 * that cannot be written is logged and dropped, it never fails a reconcile.
 */
public final class EventRecorder {
    public static final String COMPONENT = "unibloc-operator";
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    /** Normal or Warning, as the API spells them. */
    public enum Type {
        Normal,
        Warning
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;

    public EventRecorder(KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
    }

    public void record(HasMetadata about, Type type, String reason, String message) {
        String namespace = about.getMetadata().getNamespace() == null
                ? "default"
                : about.getMetadata().getNamespace();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        String name = about.getMetadata().getName() + "." + Long.toHexString(clock.millis())
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
        try {
            client.v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(name.toLowerCase(Locale.ROOT))
                            .withNamespace(namespace)
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion(about.getApiVersion())
                            .withKind(about.getKind())
                            .withName(about.getMetadata().getName())
                            .withNamespace(about.getMetadata().getNamespace())
                            .withUid(about.getMetadata().getUid())
                            .withResourceVersion(about.getMetadata().getResourceVersion())
                            .endInvolvedObject()
                            .withType(type.name())
                            .withReason(reason)
                            .withMessage(message)
                            .withFirstTimestamp(now)
                            .withLastTimestamp(now)
                            .withCount(1)
                            .withReportingComponent(COMPONENT)
                            .withReportingInstance(instance)
                            .withNewSource()
                            .withComponent(COMPONENT)
                            .endSource()
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "event not recorded resource={}/{} reason={} code={} error={}",
                    namespace,
                    about.getMetadata().getName(),
                    reason,
                    e.getCode(),
                    e.getMessage());
        }
    }
}
