package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * A file written into the guest's root filesystem before boot, taken from one ConfigMap or Secret key.
 * The operator mounts the key into the sandbox container; the sandbox writes it into the block device.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.configMap) != has(self.secret)",
        message = "set exactly one of configMap or secret as the file's source")
@ValidationRule(
        value = "!self.path.contains('/../') && !self.path.endsWith('/..') && !self.path.endsWith('/')",
        message = "path must be an absolute file path without '..' components, e.g. /etc/app.conf")
public class FileProjection {
    @JsonPropertyDescription("Absolute path of the file inside the guest's root filesystem, e.g. /etc/app.conf.")
    @Required
    @Pattern("^/.*$")
    @Size(max = 1024)
    private String path;

    @JsonPropertyDescription("Take the content from this ConfigMap key.")
    private KeyRef configMap;

    @JsonPropertyDescription("Take the content from this Secret key.")
    private KeyRef secret;

    @JsonPropertyDescription("File mode bits in the guest, 0 to 0777 (decimal in JSON: 420 = 0644). Default 0644.")
    @Min(0)
    @Max(511)
    private Integer mode;

    public FileProjection() {}

    public FileProjection(String path, KeyRef configMap, KeyRef secret, Integer mode) {
        this.path = path;
        this.configMap = configMap;
        this.secret = secret;
        this.mode = mode;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public KeyRef getConfigMap() {
        return configMap;
    }

    public void setConfigMap(KeyRef configMap) {
        this.configMap = configMap;
    }

    public KeyRef getSecret() {
        return secret;
    }

    public void setSecret(KeyRef secret) {
        this.secret = secret;
    }

    public Integer getMode() {
        return mode;
    }

    public void setMode(Integer mode) {
        this.mode = mode;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileProjection f
                && Objects.equals(path, f.path)
                && Objects.equals(configMap, f.configMap)
                && Objects.equals(secret, f.secret)
                && Objects.equals(mode, f.mode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, configMap, secret, mode);
    }
}
