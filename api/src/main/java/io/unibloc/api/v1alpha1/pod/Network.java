package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.unibloc.types.NetworkMode;
import java.util.Objects;

/** How the guest joins the Pod's network (spec.network). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Network {
    @JsonPropertyDescription("tap: the guest owns the Pod's IP through a tap device mirrored to eth0 (needs NET_ADMIN "
            + "in the Pod's own network namespace, which Pod Security baseline and restricted forbid); passt: the guest "
            + "still sees the Pod's IP, no capability or device (slower; only spec.ports and probe ports reach it); "
            + "none: no NIC; auto: tap, or passt where the namespace's Pod Security forbids NET_ADMIN. Default: the "
            + "operator's unibloc.operator.network.default-mode (chart network.defaultMode), itself auto.")
    private NetworkMode mode;

    public Network() {}

    public Network(NetworkMode mode) {
        this.mode = mode;
    }

    public NetworkMode getMode() {
        return mode;
    }

    public void setMode(NetworkMode mode) {
        this.mode = mode;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Network n && mode == n.mode;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(mode);
    }
}
