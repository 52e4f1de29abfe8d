package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the guest kernel expects to be booted. */
public enum Guest {
    @JsonProperty("linux")
    LINUX("linux"),
    @JsonProperty("unikraft")
    UNIKRAFT("unikraft"),
    @JsonProperty("solo5")
    SOLO5("solo5"),
    @JsonProperty("multiboot")
    MULTIBOOT("multiboot");

    private final String id;

    Guest(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Looks up a label value such as {@code io.unibloc.guest=unikraft}; unknown text gives {@code null}. */
    public static Guest fromId(String text) {
        for (Guest g : values()) {
            if (g.id.equals(text)) {
                return g;
            }
        }
        return null;
    }
}
