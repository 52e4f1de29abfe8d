package io.unibloc.sandbox.spec;

/** The virtual machine monitor that runs the guest. QEMU is the default and the one tested by booting. */
public enum Vmm implements WireName {
    QEMU("qemu"),
    FIRECRACKER("firecracker"),
    CLOUD_HYPERVISOR("cloud-hypervisor");

    private final String wireName;

    Vmm(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws InvalidBootSpecException for a name that is not a VMM, listing the accepted names */
    public static Vmm fromWireName(String name) {
        return WireName.parse(values(), "vmm", name);
    }
}
