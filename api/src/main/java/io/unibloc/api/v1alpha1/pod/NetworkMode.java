package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the guest joins the Pod's network; the JSON value is the boot spec's spelling. {@code auto} is resolved by the
 * operator (tap, or passt where the namespace's Pod Security level forbids NET_ADMIN) before it writes a boot spec.
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
