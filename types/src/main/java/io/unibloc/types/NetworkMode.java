package io.unibloc.types;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the guest joins the Pod's network, as the UnikernelPod spec, the operator's configuration and the boot spec
 * name it. The operator resolves {@code auto} before it writes a boot spec for a Pod; the sandbox resolves it only
 * when run by hand (CLI, tests).
 *
 * <ul>
 *   <li>{@code tap}: a tap device in the Pod's network namespace, mirrored to and from {@code eth0} with TC
 *       ingress redirects; the guest NIC takes eth0's MAC and MTU and the guest owns the Pod's address. Needs
 *       {@code /dev/net/tun} and CAP_NET_ADMIN in the Pod's own network namespace.
 *   <li>{@code passt}: a passt process in the Pod's network namespace connected to QEMU over a UNIX stream
 *       socket; the guest still sees the Pod's address, no capability or device needed.
 *   <li>{@code none}: no NIC (the guest only has its console and disks).
 *   <li>{@code auto}: {@code tap} where it may be used, otherwise {@code passt}.
 * </ul>
 */
public enum NetworkMode {
    @JsonProperty("auto")
    AUTO("auto"),
    @JsonProperty("tap")
    TAP("tap"),
    @JsonProperty("passt")
    PASST("passt"),
    @JsonProperty("none")
    NONE("none");

    private final String id;

    NetworkMode(String id) {
        this.id = id;
    }

    /** The spelling in the spec, the boot spec and the chart value, e.g. {@code passt}. */
    public String id() {
        return id;
    }

    /** Looks up a configured value such as {@code unibloc.operator.network.default-mode=tap}; unknown text gives {@code null}. */
    public static NetworkMode fromId(String text) {
        for (NetworkMode m : values()) {
            if (m.id.equals(text)) {
                return m;
            }
        }
        return null;
    }
}
