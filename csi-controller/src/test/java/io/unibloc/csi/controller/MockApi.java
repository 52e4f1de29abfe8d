package io.unibloc.csi.controller;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode (what {@code @EnableKubernetesMockClient(crud = true)} starts), held
 * for a whole test class: the extension starts a fresh server per test method, which costs a second each.
 */
public final class MockApi implements AutoCloseable {
    public final KubernetesMockServer server;
    public final NamespacedKubernetesClient client;

    public MockApi() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
