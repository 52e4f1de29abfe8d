package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.SecretReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the CSI controller asked for; immutable after creation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BlockVolumeSpec {
    /** The CSI CreateVolume request name; repeated requests with this name get this volume. */
    @Required
    private String requestName;
    /** The node whose block store holds the volume (topology segment value). */
    @Required
    @PrinterColumn(name = "Node", priority = 0)
    private String node;
    /** The image pinned to a digest ({@code repo@sha256:...}); what the node builds. */
    @Required
    @PrinterColumn(name = "Image", priority = 0)
    private String image;
    /** The image reference as requested (tag form), for humans and for idempotency checks. */
    private String sourceImage;
    /** Filesystem of the chain images: ext4, ext2, vfat or raw. */
    @PrinterColumn(name = "FS", priority = 1)
    private String fsType = "ext4";
    /** Requested size in bytes; 0 means the image's own size. */
    private long sizeBytes;
    /** Upper bound from the request's capacity range; 0 means none. */
    private long limitBytes;
    /** Attach read-only. */
    private boolean readOnly;
    /**
     * {@code persistent} (a private clone that keeps the guest's writes, the default) or {@code ephemeral} (a
     * read-only device of the shared chain image; the guest's writes go to its VMM's overlay and are discarded).
     */
    @PrinterColumn(name = "Mode", priority = 1)
    private String writeMode = "persistent";
    /** The claim this volume was provisioned for, when the provisioner passed it. */
    private String pvcNamespace;

    private String pvcName;
    /** Docker-config Secrets the node plugin reads to pull the image (the claim's, in its namespace). */
    private List<SecretReference> pullSecrets = new ArrayList<>();
    /**
     * The StorageClass's provisioner secret ({@code csi.storage.k8s.io/provisioner-secret-name/namespace}), read
     * after {@code pullSecrets}: the controller pins with it, so the node must pull with it too.
     */
    private SecretReference provisionerSecret;

    public String getRequestName() {
        return requestName;
    }

    public void setRequestName(String requestName) {
        this.requestName = requestName;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getSourceImage() {
        return sourceImage;
    }

    public void setSourceImage(String sourceImage) {
        this.sourceImage = sourceImage;
    }

    public String getFsType() {
        return fsType;
    }

    public void setFsType(String fsType) {
        this.fsType = fsType;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public void setSizeBytes(long sizeBytes) {
        this.sizeBytes = sizeBytes;
    }

    public long getLimitBytes() {
        return limitBytes;
    }

    public void setLimitBytes(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    public String getWriteMode() {
        return writeMode;
    }

    public void setWriteMode(String writeMode) {
        this.writeMode = writeMode == null ? "persistent" : writeMode;
    }

    public String getPvcNamespace() {
        return pvcNamespace;
    }

    public void setPvcNamespace(String pvcNamespace) {
        this.pvcNamespace = pvcNamespace;
    }

    public String getPvcName() {
        return pvcName;
    }

    public void setPvcName(String pvcName) {
        this.pvcName = pvcName;
    }

    public List<SecretReference> getPullSecrets() {
        return pullSecrets;
    }

    public void setPullSecrets(List<SecretReference> pullSecrets) {
        this.pullSecrets = pullSecrets == null ? new ArrayList<>() : pullSecrets;
    }

    public SecretReference getProvisionerSecret() {
        return provisionerSecret;
    }

    public void setProvisionerSecret(SecretReference provisionerSecret) {
        this.provisionerSecret = provisionerSecret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockVolumeSpec that
                && sizeBytes == that.sizeBytes
                && limitBytes == that.limitBytes
                && readOnly == that.readOnly
                && Objects.equals(requestName, that.requestName)
                && Objects.equals(node, that.node)
                && Objects.equals(image, that.image)
                && Objects.equals(sourceImage, that.sourceImage)
                && Objects.equals(fsType, that.fsType)
                && Objects.equals(writeMode, that.writeMode)
                && Objects.equals(pvcNamespace, that.pvcNamespace)
                && Objects.equals(pvcName, that.pvcName)
                && Objects.equals(pullSecrets, that.pullSecrets)
                && Objects.equals(provisionerSecret, that.provisionerSecret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestName, node, image, sourceImage, fsType, sizeBytes, limitBytes, readOnly);
    }

    @Override
    public String toString() {
        return "BlockVolumeSpec[requestName=" + requestName + ", node=" + node + ", image=" + image + ", fsType="
                + fsType + ", sizeBytes=" + sizeBytes + ", readOnly=" + readOnly + ", writeMode=" + writeMode + "]";
    }
}
