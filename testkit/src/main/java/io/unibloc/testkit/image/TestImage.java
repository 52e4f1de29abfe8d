package io.unibloc.testkit.image;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A single-platform image: layers, image config and manifest, all in memory and immutable.
 *
 * <pre>{@code
 * TestImage image = TestImage.builder()
 *         .platform(Platform.LINUX_AMD64)          // the default
 *         .format(ImageFormat.OCI)                 // the default; DOCKER for schema 2
 *         .layer(base).layer(app)                  // base first
 *         .label("io.unibloc.kernel", "/boot/vmlinuz")
 *         .build();
 * PushedImage pushed = image.push(registry, "demo/app", "1.0");
 * }</pre>
 *
 * <p>The config's {@code rootfs.diff_ids} are the digests of the uncompressed layer tars; the manifest lists the
 * compressed blobs. Building fails with {@link IllegalArgumentException} when a layer's compression has no media type
 * in the chosen format or an argument is malformed.
 */
public final class TestImage implements OciArtifact {
    private final Platform platform;
    private final ImageFormat format;
    private final List<TestLayer> layers;
    private final Blob config;
    private final Blob manifest;

    private TestImage(Builder builder) {
        this.platform = builder.platform;
        this.format = builder.format;
        this.layers = List.copyOf(builder.layers);
        List<String> diffIds = layers.stream().map(TestLayer::diffId).toList();
        this.config = Blob.of(
                format.configMediaType(),
                ImageJson.config(
                        platform,
                        builder.created,
                        builder.labels,
                        builder.env,
                        builder.entrypoint,
                        builder.cmd,
                        diffIds));
        this.manifest = Blob.of(
                format.manifestMediaType(),
                ImageJson.manifest(
                        format, config, layers.stream().map(this::layerBlob).toList()));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Platform platform() {
        return platform;
    }

    public ImageFormat format() {
        return format;
    }

    public List<TestLayer> layers() {
        return layers;
    }

    @Override
    public String digest() {
        return manifest.digest();
    }

    @Override
    public String mediaType() {
        return manifest.mediaType();
    }

    /** The manifest JSON, a copy. */
    @Override
    public byte[] bytes() {
        return manifest.content().clone();
    }

    /** The image config JSON, a copy. */
    public byte[] config() {
        return config.content().clone();
    }

    public String configDigest() {
        return config.digest();
    }

    @Override
    public ImageDigests digests() {
        return new ImageDigests(manifest.digest(), manifest.mediaType(), List.of(manifestDigests()));
    }

    ManifestDigests manifestDigests() {
        return new ManifestDigests(
                platform,
                manifest.digest(),
                manifest.mediaType(),
                config.digest(),
                layers.stream().map(TestLayer::digest).toList(),
                layers.stream().map(TestLayer::diffId).toList());
    }

    @Override
    public List<Blob> blobs() {
        List<Blob> blobs = new ArrayList<>(contentBlobs());
        blobs.add(manifest);
        return blobs;
    }

    /** Layers and config, without the manifest. */
    List<Blob> contentBlobs() {
        List<Blob> blobs = new ArrayList<>();
        layers.forEach(layer -> blobs.add(layerBlob(layer)));
        blobs.add(config);
        return blobs;
    }

    Blob manifestBlob() {
        return manifest;
    }

    private Blob layerBlob(TestLayer layer) {
        return new Blob(layer.digest(), layer.mediaType(format), layer.blobUnsafe());
    }

    @Override
    public String toString() {
        return "TestImage[" + digest() + ", " + platform + ", " + format + ", " + layers.size() + " layers]";
    }

    /** Collects what goes into the config. Defaults: linux/amd64, OCI, created {@link Attrs#DEFAULT_MTIME}. */
    public static final class Builder {
        private Platform platform = Platform.LINUX_AMD64;
        private ImageFormat format = ImageFormat.OCI;
        private Instant created = Attrs.DEFAULT_MTIME;
        private final List<TestLayer> layers = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<String> env = new ArrayList<>();
        private List<String> entrypoint = List.of();
        private List<String> cmd = List.of();

        private Builder() {}

        public Builder platform(Platform value) {
            platform = Objects.requireNonNull(value, "platform");
            return this;
        }

        public Builder format(ImageFormat value) {
            format = Objects.requireNonNull(value, "format");
            return this;
        }

        public Builder created(Instant value) {
            created = Objects.requireNonNull(value, "created");
            return this;
        }

        /** Appends a layer on top of the ones added so far. */
        public Builder layer(TestLayer layer) {
            layers.add(Objects.requireNonNull(layer, "layer"));
            return this;
        }

        public Builder layers(TestLayer... values) {
            for (TestLayer layer : values) {
                layer(layer);
            }
            return this;
        }

        /** A {@code config.Labels} entry, e.g. {@code label("io.unibloc.kernel", "/boot/vmlinuz")}. */
        public Builder label(String key, String value) {
            if (key == null || key.isEmpty() || value == null) {
                throw new IllegalArgumentException("label key must be non-empty and value non-null: " + key);
            }
            labels.put(key, value);
            return this;
        }

        /** A {@code config.Env} entry {@code KEY=VALUE}. */
        public Builder env(String key, String value) {
            if (key == null || key.isEmpty() || key.contains("=") || value == null) {
                throw new IllegalArgumentException("env key must be non-empty without '=' and value non-null: " + key);
            }
            env.add(key + "=" + value);
            return this;
        }

        public Builder entrypoint(String... values) {
            entrypoint = List.of(values);
            return this;
        }

        public Builder cmd(String... values) {
            cmd = List.of(values);
            return this;
        }

        public TestImage build() {
            return new TestImage(this);
        }
    }
}
