package io.unibloc.testkit.image;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * How a layer tar is compressed into its blob. Output is deterministic: gzip carries no file name and a zero
 * modification time, zstd is one frame at level 3.
 */
public enum Compression {
    NONE("application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar"),
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip"),
    // Docker schema 2 has no zstd type of its own; containerd and moby use the OCI one inside Docker manifests.
    ZSTD("application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.oci.image.layer.v1.tar+zstd");

    private final String ociMediaType;
    private final String dockerMediaType;

    Compression(String ociMediaType, String dockerMediaType) {
        this.ociMediaType = ociMediaType;
        this.dockerMediaType = dockerMediaType;
    }

    /** The layer media type in a manifest of the given format. */
    public String mediaType(ImageFormat format) {
        return format == ImageFormat.OCI ? ociMediaType : dockerMediaType;
    }

    /** Compresses a whole tar. */
    public byte[] compress(byte[] tar) {
        return switch (this) {
            case NONE -> tar.clone();
            case GZIP -> gzip(tar);
            case ZSTD -> Zstd.compress(tar, 3);
        };
    }

    private static byte[] gzip(byte[] tar) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tar.length / 2 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
            gzip.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e);
        }
        return out.toByteArray();
    }
}
