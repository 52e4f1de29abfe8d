package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** One key of a ConfigMap or Secret in the UnikernelPod's namespace. */
public class KeyRef {
    @JsonPropertyDescription("Name of the ConfigMap or Secret, in the UnikernelPod's namespace.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    private String name;

    @JsonPropertyDescription("The key whose value becomes the file's content.")
    @Required
    @Pattern("^[-._a-zA-Z0-9]+$")
    private String key;

    public KeyRef() {}

    public KeyRef(String name, String key) {
        this.name = name;
        this.key = key;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRef k && Objects.equals(name, k.name) && Objects.equals(key, k.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, key);
    }
}
