package io.unibloc.csi.node;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.unibloc.testkit.kube.StrictApiServer;

/**
 * The strict mock API server ({@link StrictApiServer}: refuses what a real kube-apiserver refuses, CRDs installed),
 * held for a whole test class: a fresh server per test method costs a second each.
 */
public final class MockApi implements AutoCloseable {
    public final StrictApiServer server;
    public final NamespacedKubernetesClient client;

    public MockApi() {
        server = StrictApiServer.start();
        client = server.client();
    }

    @Override
    public void close() {
        server.close();
    }
}
