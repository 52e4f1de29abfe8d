package io.unibloc.types;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * The QEMU machine type, as the UnikernelPod spec, the image label and the boot spec name it. {@code microvm} has
 * no PCI bus (virtio devices sit on MMIO) and boots fastest; {@code pc} and {@code q35} are full PCs with virtio on
 * PCI. Firecracker and Cloud Hypervisor have a single machine model each and accept only the default, microvm.
 */
public enum Machine {
    @JsonProperty("microvm")
    MICROVM,
    @JsonProperty("pc")
    PC,
    @JsonProperty("q35")
    Q35;

    /** The spelling in the CRD, the boot spec JSON and the image label, e.g. {@code microvm}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
