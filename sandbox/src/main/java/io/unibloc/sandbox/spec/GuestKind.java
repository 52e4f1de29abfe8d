package io.unibloc.sandbox.spec;

/**
 * How the guest kernel is loaded and how it reads its command line.
 *
 * <ul>
 *   <li>{@code linux}: a bzImage (QEMU) or vmlinux (Firecracker, Cloud Hypervisor) with optional initrd;
 *       the root volume is {@code /dev/vda}; env becomes init's environment, args follow {@code --}.
 *   <li>{@code unikraft}: a Unikraft kernel; env is passed as {@code env.vars=[ ... ]}, args follow {@code --}.
 *   <li>{@code solo5}: a Solo5 unikernel built for the {@code virtio} target (QEMU only; Solo5's hvt and spt
 *       tenders are not VMMs this sandbox runs); the args are its command line.
 *   <li>{@code multiboot}: any Multiboot (v1) kernel; the args are its command line.
 * </ul>
 */
public enum GuestKind implements WireName {
    LINUX("linux"),
    UNIKRAFT("unikraft"),
    SOLO5("solo5"),
    MULTIBOOT("multiboot");

    private final String wireName;

    GuestKind(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws InvalidBootSpecException for a name that is not a guest kind, listing the accepted names */
    public static GuestKind fromWireName(String name) {
        return WireName.parse(values(), "guest", name);
    }

    /** The smallest memory the sandbox accepts for this kind, in MiB: Linux needs room to unpack its initrd. */
    public int memoryFloorMiB() {
        return this == LINUX ? 64 : 16;
    }
}
