package io.unibloc.types;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The virtual machine monitor that runs the guest, as the UnikernelPod spec, the image label and the boot spec
 * name it. QEMU is the default and the one tested by booting.
 */
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

    /** The spelling in the CRD, the boot spec JSON and the image label, e.g. {@code cloud-hypervisor}. */
    public String id() {
        return id;
    }
}
