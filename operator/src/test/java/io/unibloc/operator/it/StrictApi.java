package io.unibloc.operator.it;

import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.unibloc.testkit.kube.StrictApiServer;
import java.util.Map;

/**
 * Runs the operator against the strict mock API server ({@link StrictApiServer}: status only through
 * {@code /status}, strict JSON patches, RuntimeClass admission), with the committed CRDs and the
 * {@value #RUNTIME_CLASS} RuntimeClass and {@value #STORAGE_CLASS} StorageClass installed as the Helm chart does. Tests get the server injected into a
 * field of type {@link StrictApiServer}.
 */
public class StrictApi implements QuarkusTestResourceLifecycleManager {
    static final String RUNTIME_CLASS = "unibloc-kvm";
    static final String STORAGE_CLASS = "unibloc";
    private StrictApiServer server;

    @Override
    public Map<String, String> start() {
        server = StrictApiServer.start();
        server.createRuntimeClass(RUNTIME_CLASS, "unibloc");
        server.client()
                .resource(new StorageClassBuilder()
                        .withNewMetadata()
                        .withName(STORAGE_CLASS)
                        .endMetadata()
                        .withProvisioner("block.unibloc.io")
                        .withVolumeBindingMode("WaitForFirstConsumer")
                        .build())
                .create();
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", server.url(),
                "quarkus.kubernetes-client.trust-certs", "true",
                "quarkus.kubernetes-client.namespace", "test",
                "quarkus.kubernetes-client.devservices.enabled", "false");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.MatchesType(StrictApiServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
