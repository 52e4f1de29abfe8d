package io.unibloc.blockstore;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.layers.LayerLimits;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.types.StoreException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link DefaultBlockStore} is set up.
 *
 * @param root         the store directory; created when missing
 * @param backend      the copy-on-write backend; {@link Backend#AUTO} probes FICLONE in {@code root}
 *                     and falls back to an XFS loop file, then to plain copies
 * @param xfsLoopBytes size of the sparse XFS file the {@code xfs-loop} backend creates (on first start only)
 * @param layerLimits  bounds against decompression bombs and absurd entries
 * @param gcBudgetBytes bytes of unused chains and blobs the store keeps before evicting (LRU)
 * @param fatBits      FAT type for vfat images: 0 lets {@code mkfs.fat} choose from the size, else 12, 16 or 32
 * @param platform     the platform picked from multi-platform images
 * @param registry     registry client settings (mirrors, retries, parallel downloads)
 * @param meters       where metrics go
 * @param overprovisionRatio factor applied to the free space the store offers (TopoLVM's pattern): clones share
 *                     blocks until written, so a node may offer more than is physically free; 1.0 (the default)
 *                     offers exactly what is free, and no volume larger than that is created
 */
public record StoreConfig(
        Path root,
        Backend backend,
        long xfsLoopBytes,
        LayerLimits layerLimits,
        long gcBudgetBytes,
        int fatBits,
        Platform platform,
        RegistryConfig registry,
        MeterRegistry meters,
        double overprovisionRatio) {
    public static final long DEFAULT_XFS_LOOP_BYTES = 20L << 30;
    public static final long DEFAULT_GC_BUDGET_BYTES = 10L << 30;

    public StoreConfig {
        Objects.requireNonNull(root, "root");
        root = root.toAbsolutePath().normalize();
        backend = backend == null ? Backend.AUTO : backend;
        layerLimits = layerLimits == null ? LayerLimits.DEFAULT : layerLimits;
        platform = platform == null ? Platform.DEFAULT : platform;
        registry = registry == null ? RegistryConfig.defaults() : registry;
        meters = meters == null ? new SimpleMeterRegistry() : meters;
        if (xfsLoopBytes < (300L << 20)) {
            throw StoreException.invalid(
                    "xfs loop size must be at least 300 MiB (mkfs.xfs minimum), got " + xfsLoopBytes);
        }
        if (fatBits != 0 && fatBits != 12 && fatBits != 16 && fatBits != 32) {
            throw StoreException.invalid("FAT type must be 0 (automatic), 12, 16 or 32, got " + fatBits);
        }
        if (!(overprovisionRatio > 0) || Double.isInfinite(overprovisionRatio)) {
            throw StoreException.invalid(
                    "overprovision ratio must be a positive number such as 1.0 or 2.5, got " + overprovisionRatio);
        }
        if (gcBudgetBytes < 0) {
            throw StoreException.invalid("GC budget must not be negative, got " + gcBudgetBytes);
        }
    }

    /** Without an overprovision ratio (1.0). */
    public StoreConfig(
            Path root,
            Backend backend,
            long xfsLoopBytes,
            LayerLimits layerLimits,
            long gcBudgetBytes,
            int fatBits,
            Platform platform,
            RegistryConfig registry,
            MeterRegistry meters) {
        this(root, backend, xfsLoopBytes, layerLimits, gcBudgetBytes, fatBits, platform, registry, meters, 1.0);
    }

    /** The defaults for a store at {@code root}: automatic backend, 20 GiB XFS file if one is needed. */
    public static StoreConfig defaults(Path root) {
        return new StoreConfig(
                root,
                Backend.AUTO,
                DEFAULT_XFS_LOOP_BYTES,
                LayerLimits.DEFAULT,
                DEFAULT_GC_BUDGET_BYTES,
                0,
                Platform.DEFAULT,
                RegistryConfig.defaults(),
                new SimpleMeterRegistry());
    }

    public StoreConfig withBackend(Backend value) {
        return new StoreConfig(
                root,
                value,
                xfsLoopBytes,
                layerLimits,
                gcBudgetBytes,
                fatBits,
                platform,
                registry,
                meters,
                overprovisionRatio);
    }

    public StoreConfig withXfsLoopBytes(long value) {
        return new StoreConfig(
                root,
                backend,
                value,
                layerLimits,
                gcBudgetBytes,
                fatBits,
                platform,
                registry,
                meters,
                overprovisionRatio);
    }

    public StoreConfig withLayerLimits(LayerLimits value) {
        return new StoreConfig(
                root,
                backend,
                xfsLoopBytes,
                value,
                gcBudgetBytes,
                fatBits,
                platform,
                registry,
                meters,
                overprovisionRatio);
    }

    public StoreConfig withGcBudgetBytes(long value) {
        return new StoreConfig(
                root,
                backend,
                xfsLoopBytes,
                layerLimits,
                value,
                fatBits,
                platform,
                registry,
                meters,
                overprovisionRatio);
    }

    public StoreConfig withFatBits(int value) {
        return new StoreConfig(
                root,
                backend,
                xfsLoopBytes,
                layerLimits,
                gcBudgetBytes,
                value,
                platform,
                registry,
                meters,
                overprovisionRatio);
    }

    public StoreConfig withPlatform(Platform value) {
        return new StoreConfig(
                root,
                backend,
                xfsLoopBytes,
                layerLimits,
                gcBudgetBytes,
                fatBits,
                value,
                registry,
                meters,
                overprovisionRatio);
    }

    public StoreConfig withRegistry(RegistryConfig value) {
        return new StoreConfig(
                root,
                backend,
                xfsLoopBytes,
                layerLimits,
                gcBudgetBytes,
                fatBits,
                platform,
                value,
                meters,
                overprovisionRatio);
    }

    public StoreConfig withMeters(MeterRegistry value) {
        return new StoreConfig(
                root,
                backend,
                xfsLoopBytes,
                layerLimits,
                gcBudgetBytes,
                fatBits,
                platform,
                registry,
                value,
                overprovisionRatio);
    }

    public StoreConfig withOverprovisionRatio(double value) {
        return new StoreConfig(
                root, backend, xfsLoopBytes, layerLimits, gcBudgetBytes, fatBits, platform, registry, meters, value);
    }

    /** Where blobs live ({@code <root>/content}), shared with the CLI's own pulls. */
    public Path contentDir() {
        return root.resolve("content");
    }

    /** The copy-on-write backends. */
    public enum Backend {
        AUTO,
        REFLINK,
        XFS_LOOP,
        COPY;

        /** Parses {@code auto|reflink|xfs-loop|copy}; anything else is INVALID_ARGUMENT. */
        public static Backend parse(String text) {
            if (text == null || text.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw StoreException.invalid(
                        "unknown backend '" + text + "': expected auto, reflink, xfs-loop or copy");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
