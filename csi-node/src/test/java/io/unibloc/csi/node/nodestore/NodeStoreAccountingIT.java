package io.unibloc.csi.node.nodestore;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStorePageCache;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.BlockStore.VolumeSpec;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.cache.MincoreAccess;
import io.unibloc.csi.node.MockApi;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NodeStore report of a real block store (copy backend, real loop devices) holding a persistent and two
 * ephemeral volumes of one image, written through {@code nodestores/<node>/status} on the strict mock API server,
 * and the same figures as Prometheus gauges.
 */
class NodeStoreAccountingIT {
    private static final long MIB = 1L << 20;
    private static final int DATA_MIB = 6;
    private static final String NODE = "accounting-node";

    private static MockApi api;
    private static KubernetesClient client;

    @TempDir
    Path tmp;

    @BeforeAll
    static void apiUp() {
        api = new MockApi();
        client = api.client;
    }

    @AfterAll
    static void apiDown() {
        api.close();
    }

    @Test
    void theStatusCarriesEphemeralVolumesAndThePageCacheOfTheStore() throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ImageReference image = image();
        try (DefaultBlockStore store = DefaultBlockStore.open(StoreConfig.defaults(tmp.resolve("store"))
                .withBackend(StoreConfig.Backend.COPY)
                .withMeters(meters))) {
            try {
                create(store, "acct-p", image, WriteMode.PERSISTENT);
                create(store, "acct-e1", image, WriteMode.EPHEMERAL);
                create(store, "acct-e2", image, WriteMode.EPHEMERAL);
                for (String id : List.of("acct-e1", "acct-e2")) {
                    String device =
                            store.attach(id, BlockStore.AttachOptions.DEFAULT).device();
                    run("dd", "if=" + device, "of=/dev/null", "bs=1M", "status=none");
                }
                long chainImageBytes = store.listVolumes().stream()
                        .filter(BlockStore.Volume::ephemeral)
                        .findFirst()
                        .map(v -> store.volumeStats(v.id()).logicalBytes())
                        .orElseThrow();

                report(store, NODE, meters);

                NodeStoreStatus status =
                        client.resources(NodeStore.class).withName(NODE).get().getStatus();
                assertThat(status.getVolumes()).isEqualTo(3);
                assertThat(status.getEphemeralVolumes()).isEqualTo(2);
                assertThat(status.getEphemeralBytes()).isEqualTo(2 * 64 * MIB);
                NodeStorePageCache cache = status.getPageCache();
                assertThat(cache.getChainBytes())
                        .as("both devices read the whole chain image, one inode")
                        .isGreaterThanOrEqualTo(DATA_MIB * MIB)
                        .isLessThanOrEqualTo(chainImageBytes);
                assertThat(cache.getBackendFileBytes())
                        .as("the copy backend has no file")
                        .isZero();
                assertThat(cache.getBlobBytes())
                        .as("the pull's layer, just written")
                        .isGreaterThanOrEqualTo(DATA_MIB * MIB);
                assertThat(cache.getTotalBytes())
                        .isEqualTo(cache.getChainBytes()
                                + cache.getVolumeBytes()
                                + cache.getBackendFileBytes()
                                + cache.getBlobBytes());
                assertThat(api.server.dispatcher().requests())
                        .filteredOn(w -> w.path().contains("/nodestores/" + NODE + "/status"))
                        .singleElement()
                        .satisfies(w -> assertThat(w.body())
                                .contains("\"ephemeralVolumes\":2", "\"pageCache\":{", "\"chainBytes\":"));

                String scrape = meters.scrape();
                assertThat(scrape)
                        .contains("unibloc_store_volumes{mode=\"ephemeral\"} 2.0")
                        .contains("unibloc_store_volumes{mode=\"persistent\"} 1.0")
                        .contains("unibloc_store_page_cache_bytes{kind=\"chains\"} " + (double) cache.getChainBytes())
                        .contains("unibloc_store_page_cache_bytes{kind=\"backend\"} 0.0");
            } finally {
                for (BlockStore.Volume v : store.listVolumes()) {
                    store.detach(v.id());
                }
            }
        }
    }

    @Test
    void aPageCacheTheNodeCannotCountIsLeftOutOfTheStatusAndItsGaugesAreNaN() throws Exception {
        String node = "accounting-unknown";
        ImageReference image = image();
        Path dir = tmp.resolve("store");
        try (DefaultBlockStore store =
                DefaultBlockStore.open(StoreConfig.defaults(dir).withBackend(StoreConfig.Backend.COPY))) {
            create(store, "acct-u", image, WriteMode.EPHEMERAL);
            report(store, node, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        }
        assertThat(client.resources(NodeStore.class)
                        .withName(node)
                        .get()
                        .getStatus()
                        .getPageCache())
                .as("precondition: counted as root")
                .isNotNull();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // a caller (uid 4242) that neither owns nor may write the store's files: the kernel would falsify mincore
        try (DefaultBlockStore store = DefaultBlockStore.open(
                StoreConfig.defaults(dir).withBackend(StoreConfig.Backend.COPY).withMeters(meters),
                new MincoreAccess(4242, file -> false))) {
            report(store, node, meters);
        }

        NodeStoreStatus status =
                client.resources(NodeStore.class).withName(node).get().getStatus();
        assertThat(status.getPageCache())
                .as("the earlier figure is removed, not left stale")
                .isNull();
        assertThat(status.getEphemeralVolumes())
                .as("the rest of the report stands")
                .isEqualTo(1);
        assertThat(meters.scrape())
                .contains("unibloc_store_page_cache_bytes{kind=\"chains\"} NaN")
                .contains("unibloc_store_page_cache_bytes{kind=\"blobs\"} NaN");
    }

    private void report(DefaultBlockStore store, String node, PrometheusMeterRegistry meters) {
        try (NodeStoreReporter reporter = new NodeStoreReporter(
                client,
                store,
                node,
                tmp.resolve("store"),
                List::of,
                Optional::empty,
                Clock.systemUTC(),
                Duration.ofMinutes(10),
                meters)) {
            reporter.report();
        }
    }

    private static void create(DefaultBlockStore store, String id, ImageReference image, WriteMode mode) {
        store.createVolume(
                new VolumeSpec(id, image, FsType.EXT4, 64 * MIB, 0, false, mode),
                RegistryCredentials.NONE,
                BlockStore.Progress.NONE);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
    }

    private ImageReference image() {
        Path layout = tmp.resolve("layout");
        TestImage.builder().layer(TestLayer.randomData(DATA_MIB, 23)).build().writeLayout(layout, "1");
        return ImageReference.parse("oci:" + layout + ":1");
    }
}
