package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The filesystem the root volume is built with; {@code raw} uses a disk image shipped in the image as is. */
public enum FsType {
    @JsonProperty("ext4")
    EXT4("ext4"),
    @JsonProperty("ext2")
    EXT2("ext2"),
    @JsonProperty("vfat")
    VFAT("vfat"),
    @JsonProperty("raw")
    RAW("raw");

    private final String id;

    FsType(String id) {
        this.id = id;
    }

    /** The spelling of the StorageClass parameter and claim annotation, e.g. {@code ext4}. */
    public String id() {
        return id;
    }
}
