package io.unibloc.sandbox.spec;

/**
 * The QEMU machine type. {@code microvm} has no PCI bus (virtio devices sit on MMIO) and boots fastest;
 * {@code pc} and {@code q35} are full PCs with virtio on PCI. Firecracker and Cloud Hypervisor have a
 * single machine model each and accept only the default, {@code microvm}.
 */
public enum Machine implements WireName {
    MICROVM("microvm"),
    PC("pc"),
    Q35("q35");

    private final String wireName;

    Machine(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws InvalidBootSpecException for a name that is not a machine type, listing the accepted names */
    public static Machine fromWireName(String name) {
        return WireName.parse(values(), "machine", name);
    }
}
