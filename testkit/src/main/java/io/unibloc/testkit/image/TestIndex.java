package io.unibloc.testkit.image;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A multi-platform image: an OCI image index (or Docker manifest list) over single-platform images of one
 * {@link ImageFormat}, each entry carrying its platform.
 *
 * <pre>{@code
 * TestIndex index = TestIndex.of(amd64Image, arm64Image);
 * PushedImage pushed = index.push(registry, "demo/app", "1.0");
 * String amd64Manifest = pushed.digests().manifest(Platform.LINUX_AMD64).digest();
 * }</pre>
 */
public final class TestIndex implements OciArtifact {
    private final List<TestImage> images;
    private final ImageFormat format;
    private final Blob index;

    private TestIndex(List<TestImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("an index needs at least one image");
        }
        this.images = List.copyOf(images);
        this.format = images.get(0).format();
        Set<Platform> platforms = new HashSet<>();
        for (TestImage image : images) {
            if (image.format() != format) {
                throw new IllegalArgumentException("index mixes formats: " + image + " is " + image.format()
                        + " but the first image is " + format);
            }
            if (!platforms.add(image.platform())) {
                throw new IllegalArgumentException("index has two images for platform " + image.platform());
            }
        }
        this.index = Blob.of(format.indexMediaType(), ImageJson.index(format, this.images));
    }

    /** An index over {@code images}, in the order given; their formats must match and platforms differ. */
    public static TestIndex of(TestImage... images) {
        return new TestIndex(List.of(images));
    }

    public static TestIndex of(List<TestImage> images) {
        return new TestIndex(images);
    }

    public List<TestImage> images() {
        return images;
    }

    /** The image for {@code platform}; {@link IllegalArgumentException} if there is none. */
    public TestImage image(Platform platform) {
        return images.stream()
                .filter(i -> i.platform().equals(platform))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("index " + digest() + " has no image for " + platform));
    }

    @Override
    public String digest() {
        return index.digest();
    }

    @Override
    public String mediaType() {
        return index.mediaType();
    }

    /** The index JSON, a copy. */
    @Override
    public byte[] bytes() {
        return index.content().clone();
    }

    @Override
    public ImageDigests digests() {
        return new ImageDigests(
                index.digest(),
                index.mediaType(),
                images.stream().map(TestImage::manifestDigests).toList());
    }

    @Override
    public List<Blob> blobs() {
        // Images may share layers; each blob appears once.
        Map<String, Blob> unique = new LinkedHashMap<>();
        images.forEach(image -> image.contentBlobs().forEach(b -> unique.putIfAbsent(b.digest(), b)));
        images.forEach(image -> unique.putIfAbsent(image.digest(), image.manifestBlob()));
        List<Blob> blobs = new ArrayList<>(unique.values());
        blobs.add(index);
        return blobs;
    }

    Blob indexBlob() {
        return index;
    }

    @Override
    public String toString() {
        return "TestIndex[" + digest() + ", " + format + ", "
                + images.stream().map(TestImage::platform).toList() + "]";
    }
}
