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
 * A port the guest serves, shaped like a container's port so that Services, probes and {@code kubectl port-forward}
 * find it by number or name. It becomes the sandbox container's port and, in passt mode, a port passt forwards.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.name) || (self.name.matches('[a-z]') && !self.name.contains('--'))",
        message = "name must be an IANA service name: at most 15 lowercase letters, digits and '-', with at least one"
                + " letter, no '--', not starting or ending with '-', e.g. http")
public class GuestPort {
    /** A Kubernetes port name (IANA_SVC_NAME), checked together with the rule above. */
    public static final String NAME_PATTERN = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";

    public static final int MAX_NAME = 15;

    @JsonPropertyDescription("Name of the port (IANA service name, e.g. http); Services and probes may refer to it.")
    @Pattern(NAME_PATTERN)
    @Size(max = MAX_NAME)
    private String name;

    @JsonPropertyDescription("Port number the guest listens on at the Pod's IP, 1 to 65535.")
    @Required
    @Min(1)
    @Max(65535)
    private Integer containerPort;

    @JsonPropertyDescription("TCP (default) or UDP.")
    private Protocol protocol;

    public GuestPort() {}

    public GuestPort(String name, Integer containerPort, Protocol protocol) {
        this.name = name;
        this.containerPort = containerPort;
        this.protocol = protocol;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getContainerPort() {
        return containerPort;
    }

    public void setContainerPort(Integer containerPort) {
        this.containerPort = containerPort;
    }

    public Protocol getProtocol() {
        return protocol;
    }

    public void setProtocol(Protocol protocol) {
        this.protocol = protocol;
    }

    /** The protocol, TCP when unset (as for a container port). */
    public Protocol effectiveProtocol() {
        return protocol == null ? Protocol.TCP : protocol;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuestPort p
                && Objects.equals(name, p.name)
                && Objects.equals(containerPort, p.containerPort)
                && protocol == p.protocol;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, containerPort, protocol);
    }
}
