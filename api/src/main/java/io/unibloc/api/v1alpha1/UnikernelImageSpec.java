package io.unibloc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.unibloc.types.FsType;
import java.util.List;
import java.util.Map;

/** An image to prepare ahead of time on the selected nodes, so that building it leaves the start path. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UnikernelImageSpec {
    @JsonPropertyDescription("OCI image to prepare, e.g. registry.example.com/app:1.0. The operator pins it to a "
            + "digest; the node plugins prepare that digest.")
    @Required
    @Size(min = 1, max = 512)
    private String image;

    @JsonPropertyDescription("Filesystem of the block images: ext4 (default), ext2, vfat or raw.")
    private FsType fsType;

    @JsonPropertyDescription("Prepare on the nodes with these labels; empty means every node with a NodeStore.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription(
            "Secrets of type kubernetes.io/dockerconfigjson in this namespace used to pin and " + "pull the image.")
    private List<LocalObjectReference> imagePullSecrets;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public FsType getFsType() {
        return fsType;
    }

    public void setFsType(FsType fsType) {
        this.fsType = fsType;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<LocalObjectReference> getImagePullSecrets() {
        return imagePullSecrets;
    }

    public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
        this.imagePullSecrets = imagePullSecrets;
    }
}
