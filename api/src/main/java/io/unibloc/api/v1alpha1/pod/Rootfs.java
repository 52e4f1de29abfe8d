package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.util.Objects;

/** The guest's root volume: a copy-on-write clone of the image's block image, grown to {@code size}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Rootfs {
    /** A quantity in Mi, Gi or Ti; the API server and the operator both check it. */
    public static final String SIZE_PATTERN = "^[1-9][0-9]*(Mi|Gi|Ti)$";

    @JsonPropertyDescription("Size of the root volume, e.g. 1Gi (units Mi, Gi or Ti). Default: the operator's "
            + "unibloc.operator.default-rootfs-size. Grown to at least the image's own size.")
    @Pattern(SIZE_PATTERN)
    private String size;

    @JsonPropertyDescription("Filesystem the root volume is built with: ext4 (default), ext2, vfat, or raw "
            + "(the image ships a disk image file, named by its io.unibloc.disk label, used as is).")
    private FsType fsType;

    @JsonPropertyDescription("Attach the root volume read-only; the guest cannot change it.")
    private Boolean readOnly;

    @JsonPropertyDescription("ephemeral: a read-only device of the node's shared image (guests of one image share "
            + "its page cache); the guest's writes go to an overlay in the Pod's scratch space, bounded by size, and are "
            + "discarded when the guest stops, as a container's. persistent: a private copy-on-write clone that keeps the "
            + "guest's writes while the Pod exists, at the price of its own page cache and a clone's disk per guest. "
            + "Files are written before every boot in both modes. Unset: ephemeral, except a writable root under "
            + "firecracker or cloud-hypervisor, which gets persistent (only qemu boots the overlay); status.writeMode "
            + "shows the choice. An explicit ephemeral needs vmm qemu unless readOnly is true.")
    private WriteMode writeMode;

    public Rootfs() {}

    public Rootfs(String size, FsType fsType, Boolean readOnly) {
        this.size = size;
        this.fsType = fsType;
        this.readOnly = readOnly;
    }

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public FsType getFsType() {
        return fsType;
    }

    public void setFsType(FsType fsType) {
        this.fsType = fsType;
    }

    public Boolean getReadOnly() {
        return readOnly;
    }

    public void setReadOnly(Boolean readOnly) {
        this.readOnly = readOnly;
    }

    public WriteMode getWriteMode() {
        return writeMode;
    }

    public void setWriteMode(WriteMode writeMode) {
        this.writeMode = writeMode;
    }

    /** True for an explicit {@code writeMode: ephemeral} (unset is resolved by the operator, not here). */
    public boolean ephemeral() {
        return writeMode == WriteMode.EPHEMERAL;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rootfs r
                && Objects.equals(size, r.size)
                && fsType == r.fsType
                && Objects.equals(readOnly, r.readOnly)
                && writeMode == r.writeMode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, fsType, readOnly, writeMode);
    }
}
