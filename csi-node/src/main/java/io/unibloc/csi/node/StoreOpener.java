package io.unibloc.csi.node;

import io.fabric8.kubernetes.api.model.Quantity;
import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.registry.client.RegistryConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Opens the node's block store from the command-line settings. */
final class StoreOpener {
    private StoreOpener() {}

    /**
     * @param storeSize Kubernetes quantity (e.g. {@code 20Gi}) of the XFS loop file used when {@code storeDir}'s
     *                  filesystem cannot reflink; null keeps the store's default
     * @param cacheBudget bytes of unused chains and blobs kept before LRU eviction; null keeps the default
     */
    static StoreConfig config(
            Path storeDir,
            String storeSize,
            String cacheBudget,
            List<String> insecureRegistries,
            MeterRegistry meters) {
        StoreConfig config = StoreConfig.defaults(storeDir)
                .withRegistry(RegistryConfig.defaults().withInsecure(Set.copyOf(insecureRegistries)))
                .withMeters(meters);
        if (storeSize != null && !storeSize.isBlank()) {
            config = config.withXfsLoopBytes(bytes("--store-size", storeSize));
        }
        if (cacheBudget != null && !cacheBudget.isBlank()) {
            config = config.withGcBudgetBytes(bytes("--cache-budget", cacheBudget));
        }
        return config;
    }

    static DefaultBlockStore open(StoreConfig config) {
        return DefaultBlockStore.open(config);
    }

    static long bytes(String option, String quantity) {
        try {
            return Quantity.getAmountInBytes(new Quantity(quantity)).longValueExact();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + ": '" + quantity + "' is not a size such as 20Gi", e);
        }
    }
}
