package io.unibloc.testkit.image;

/** Which family of media types an image's manifest, config, layers and index use. */
public enum ImageFormat {
    /** OCI image spec v1 media types. */
    OCI(
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.config.v1+json",
            "application/vnd.oci.image.index.v1+json"),
    /** Docker image manifest v2 schema 2 and manifest list. */
    DOCKER(
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.container.image.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");

    private final String manifestMediaType;
    private final String configMediaType;
    private final String indexMediaType;

    ImageFormat(String manifestMediaType, String configMediaType, String indexMediaType) {
        this.manifestMediaType = manifestMediaType;
        this.configMediaType = configMediaType;
        this.indexMediaType = indexMediaType;
    }

    public String manifestMediaType() {
        return manifestMediaType;
    }

    public String configMediaType() {
        return configMediaType;
    }

    /** OCI image index, or Docker manifest list. */
    public String indexMediaType() {
        return indexMediaType;
    }
}
