package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.unibloc.types.NetworkMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The network the guest is on (status.network): the mode the operator chose and the Pod's IPs, which the guest owns. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class NetworkStatus {
    @JsonPropertyDescription("The data path in use: tap, passt or none (auto resolved).")
    private NetworkMode mode;

    @JsonPropertyDescription("The guest's IP: the Pod's primary IP (empty with mode none or before the Pod has one).")
    private String podIP;

    @JsonPropertyDescription("All of the guest's IPs (IPv4 and IPv6 on a dual-stack Pod), the primary first.")
    private List<String> podIPs = new ArrayList<>();

    public NetworkStatus() {}

    public NetworkStatus(NetworkMode mode, String podIP, List<String> podIPs) {
        this.mode = mode;
        this.podIP = podIP;
        setPodIPs(podIPs);
    }

    public NetworkMode getMode() {
        return mode;
    }

    public void setMode(NetworkMode mode) {
        this.mode = mode;
    }

    public String getPodIP() {
        return podIP;
    }

    public void setPodIP(String podIP) {
        this.podIP = podIP;
    }

    public List<String> getPodIPs() {
        return podIPs;
    }

    public void setPodIPs(List<String> podIPs) {
        this.podIPs = podIPs == null ? new ArrayList<>() : new ArrayList<>(podIPs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkStatus n
                && mode == n.mode
                && Objects.equals(podIP, n.podIP)
                && Objects.equals(podIPs, n.podIPs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, podIP, podIPs);
    }
}
