package io.unibloc.blockstore.image;

import io.unibloc.blockstore.content.BlobWriter;
import io.unibloc.registry.client.ManifestResponse;
import io.unibloc.registry.manifest.Descriptor;
import io.unibloc.registry.manifest.ImageIndex;
import io.unibloc.registry.manifest.ManifestParser;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.registry.ref.Sha256;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}).
 * The tag is matched against the index entries' {@code org.opencontainers.image.ref.name}; without a
 * tag the layout must hold exactly one image. Blobs are copied with the same verification as downloads.
 */
record LayoutSource(ImageReference ref, ManifestParser parser) implements ImageSource {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final int MAX_DOCUMENT_BYTES = 4 << 20;

    LayoutSource {
        Path dir = ref.layout();
        if (!Files.isDirectory(dir)) {
            throw StoreException.notFound("OCI layout directory " + dir + " does not exist");
        }
        if (!Files.isRegularFile(dir.resolve("oci-layout")) || !Files.isRegularFile(dir.resolve("index.json"))) {
            throw StoreException.invalid(dir + " is not an OCI image layout (oci-layout or index.json missing)");
        }
    }

    @Override
    public String describe() {
        return "OCI layout " + ref.layout();
    }

    @Override
    public String metricTag() {
        return "oci-layout";
    }

    @Override
    public ManifestResponse top() {
        Digest d = ref.digest() != null ? ref.digest() : resolve();
        return manifest(d);
    }

    @Override
    public Digest resolve() {
        return select().parsedDigest();
    }

    /** The index.json entry the reference names. */
    Descriptor select() {
        ImageIndex index =
                parser.parseIndex(readDocument(ref.layout().resolve("index.json")), describe() + " index.json");
        List<Descriptor> all = index.manifests();
        if (ref.digest() != null) {
            return all.stream()
                    .filter(d -> d.digest().equals(ref.digest().toString()))
                    .findFirst()
                    .orElseGet(() -> new Descriptor(null, ref.digest().toString(), -1, null, null, null));
        }
        List<Descriptor> matching = ref.tag() == null
                ? all
                : all.stream()
                        .filter(d -> ref.tag().equals(d.annotations().get(REF_NAME)))
                        .toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        String tags = all.stream()
                .map(d -> d.annotations().getOrDefault(REF_NAME, "<untagged " + d.digest() + ">"))
                .collect(Collectors.joining(", "));
        if (matching.isEmpty()) {
            throw StoreException.notFound(
                    describe() + " has no image " + (ref.tag() == null ? "at all" : "tagged '" + ref.tag() + "'")
                            + " (it holds: " + (tags.isEmpty() ? "nothing" : tags) + ")");
        }
        throw StoreException.notFound(describe() + " holds " + matching.size() + " images; name one as oci:"
                + ref.layout() + ":TAG (tags: " + tags + ")");
    }

    @Override
    public ManifestResponse manifest(Digest digest) {
        byte[] bytes = readDocument(blob(digest));
        Digest actual = Sha256.of(bytes);
        if (!actual.equals(digest)) {
            throw StoreException.invalid("manifest " + digest + " in " + describe() + ": content has digest " + actual);
        }
        return new ManifestResponse(bytes, null, digest, describe());
    }

    @Override
    public void fetchBlob(Digest digest, long size, BlobWriter writer, LongConsumer onBytes) {
        Path p = blob(digest);
        try (InputStream in = Files.newInputStream(p)) {
            writer.transferFrom(in, onBytes);
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("blob " + digest + " is missing from " + describe());
        } catch (IOException e) {
            throw StoreException.internal("cannot read blob " + digest + " from " + describe(), e);
        }
        writer.commit(describe());
    }

    private Path blob(Digest d) {
        return ref.layout().resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    private byte[] readDocument(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (b.length > MAX_DOCUMENT_BYTES) {
                throw StoreException.invalid(
                        p + " in " + describe() + " is larger than " + MAX_DOCUMENT_BYTES + " bytes");
            }
            return b;
        } catch (NoSuchFileException e) {
            throw StoreException.notFound(p.getFileName() + " is missing from " + describe());
        } catch (IOException e) {
            throw StoreException.internal("cannot read " + p, e);
        }
    }
}
