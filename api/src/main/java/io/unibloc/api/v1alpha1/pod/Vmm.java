package io.unibloc.api.v1alpha1.pod;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The virtual machine monitor the sandbox starts; the JSON value is what the boot spec carries. */
public enum Vmm {
    @JsonProperty("qemu")
    QEMU("qemu"),
    @JsonProperty("firecracker")
    FIRECRACKER("firecracker"),
    @JsonProperty("cloud-hypervisor")
    CLOUD_HYPERVISOR("cloud-hypervisor");

    private final String id;

    Vmm(String id) {
        this.id = id;
    }

    /** The boot spec / image label spelling, e.g. {@code cloud-hypervisor}. */
    public String id() {
        return id;
    }

    /** Looks up a label value such as {@code io.unibloc.vmm=firecracker}; unknown text gives {@code null}. */
    public static Vmm fromId(String text) {
        for (Vmm v : values()) {
            if (v.id.equals(text)) {
                return v;
            }
        }
        return null;
    }
}
