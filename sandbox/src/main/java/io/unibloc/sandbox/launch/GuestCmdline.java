package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.InvalidBootSpecException;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Composes the kernel command line for each guest kind from the spec's {@code cmdline}, {@code env} and
 * {@code args}. The user's command line comes first and is never rewritten; the sandbox only adds what is
 * missing. If the user's command line contains {@code --}, what follows it stays in front of the args.
 *
 * <ul>
 *   <li>linux: {@code <cmdline> root=/dev/vda rw|ro panic=1 [extras] K=V ... -- <args>}. The kernel hands
 *       {@code K=V} words to init as its environment and everything after {@code --} as its arguments.
 *       {@code panic=1} makes a panicked kernel reset (ending the VMM) instead of hanging. Extras:
 *       {@code edd=off} on QEMU (so that the first console output comes from the kernel proper, see the
 *       boot watchdog);
 *       {@code reboot=k pci=off} on Firecracker (its documented boot arguments: a reboot ends the VMM); {@code pci=off} on QEMU's microvm (no PCI bus), plus {@code tsc_early_khz=N} under TCG (see
 *       {@link io.unibloc.sandbox.accel.HostTsc}).
 *   <li>unikraft: {@code <cmdline> env.vars=[ "K=V" ... ] -- <args>}, Unikraft's library-parameter syntax.
 *   <li>solo5, multiboot: {@code <cmdline> <args>}; these guests have no environment, so env is dropped
 *       (the planner logs that).
 * </ul>
 *
 * <p>With a network, the guest's address parameters ({@link NetParams}) follow the sandbox's own words: for
 * Linux and Unikraft before env and {@code --}; a Unikraft command line then always has {@code --}, even without
 * arguments, because Unikraft 0.16 reads parameters only in front of it and would otherwise hand them to the
 * application as arguments (and fall back to DHCP). Solo5 and Multiboot get theirs in front of the arguments.
 */
public final class GuestCmdline {

    /** x86 Linux truncates its command line at 2048 bytes including the terminating NUL. */
    static final int LINUX_MAX = 2047;

    private GuestCmdline() {}

    /**
     * @param spec a resolved spec
     * @param accel the accelerator the guest will run under
     * @param hostTscKhz the host's TSC frequency, if known
     * @throws InvalidBootSpecException when a Linux command line would exceed the kernel's limit
     */
    public static String compose(BootSpec spec, Accel accel, OptionalLong hostTscKhz) {
        return compose(spec, accel, hostTscKhz, null);
    }

    /**
     * As {@link #compose(BootSpec, Accel, OptionalLong)}, for a guest with a NIC.
     *
     * @param network the guest's network, or {@code null} for none
     */
    public static String compose(BootSpec spec, Accel accel, OptionalLong hostTscKhz, GuestNetwork network) {
        List<String> net = network == null
                ? List.of()
                : NetParams.kernelParams(
                        spec.guest(), spec.network().effectiveGuestConfig(spec.guest()), network.address());
        List<String> head = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        boolean afterDashes = false;
        for (String word : words(spec.cmdline())) {
            if (!afterDashes && word.equals("--")) {
                afterDashes = true;
            } else if (afterDashes) {
                tail.add(word);
            } else {
                head.add(word);
            }
        }
        for (String arg : spec.args()) {
            tail.add(quote(arg));
        }
        List<String> out = new ArrayList<>(head);
        String composed;
        switch (spec.guest()) {
            case LINUX -> {
                addMissing(out, "root", "root=/dev/vda");
                if (!head.contains("ro") && !head.contains("rw")) {
                    out.add(spec.isReadOnly() ? "ro" : "rw");
                }
                // A panicked Linux waits forever by default; panic=1 resets it, which ends the VMM (-no-reboot).
                addMissing(out, "panic", "panic=1");
                if (spec.vmm() == Vmm.FIRECRACKER) {
                    addMissing(out, "reboot", "reboot=k");
                    addMissing(out, "pci", "pci=off");
                }
                if (spec.vmm() == Vmm.QEMU) {
                    // The 16-bit setup code's "Probing EDD ... ok" is the only line a kernel that then hangs in 64-bit
                    // code would print; it would satisfy the boot watchdog. EDD means nothing for virtio disks anyway.
                    addMissing(out, "edd", "edd=off");
                }
                net.forEach(word -> addMissing(out, "ip", word));
                if (spec.vmm() == Vmm.QEMU && spec.machine() == Machine.MICROVM) {
                    // The sandbox never gives microvm a PCI bus; without this Linux logs "PCI: Fatal" on every boot.
                    addMissing(out, "pci", "pci=off");
                    if (accel == Accel.TCG && hostTscKhz.isPresent()) {
                        addMissing(out, "tsc_early_khz", "tsc_early_khz=" + hostTscKhz.getAsLong());
                    }
                }
                for (Map.Entry<String, String> entry : spec.env().entrySet()) {
                    out.add(entry.getKey() + "=" + quote(entry.getValue()));
                }
                composed = withTail(out, tail);
                if (composed.length() > LINUX_MAX) {
                    throw new InvalidBootSpecException("the Linux kernel command line would be " + composed.length()
                            + " bytes; the kernel keeps only " + LINUX_MAX + " (shorten cmdline, env or args)");
                }
            }
            case UNIKRAFT -> {
                net.forEach(word -> addMissing(out, "netdev.ip", word));
                if (!spec.env().isEmpty()) {
                    StringBuilder vars = new StringBuilder("env.vars=[");
                    spec.env()
                            .forEach((key, value) -> vars.append(" \"")
                                    .append(key)
                                    .append('=')
                                    .append(value)
                                    .append('"'));
                    out.add(vars.append(" ]").toString());
                }
                composed = net.isEmpty() ? withTail(out, tail) : withDashes(out, tail);
            }
            case SOLO5, MULTIBOOT -> {
                out.addAll(net);
                out.addAll(tail);
                composed = String.join(" ", out);
            }
            default -> throw new IllegalStateException("unhandled guest kind " + spec.guest());
        }
        return composed;
    }

    private static String withTail(List<String> out, List<String> tail) {
        if (tail.isEmpty()) {
            return String.join(" ", out);
        }
        List<String> all = new ArrayList<>(out);
        all.add("--");
        all.addAll(tail);
        return String.join(" ", all);
    }

    /** Always writes {@code --}: Unikraft's parameters are read only in front of it. */
    private static String withDashes(List<String> out, List<String> tail) {
        List<String> all = new ArrayList<>(out);
        all.add("--");
        all.addAll(tail);
        return String.join(" ", all);
    }

    /** Adds {@code word} unless a parameter named {@code name} is already there. */
    private static void addMissing(List<String> words, String name, String word) {
        for (String existing : words) {
            if (existing.equals(name) || existing.startsWith(name + "=")) {
                return;
            }
        }
        words.add(word);
    }

    /** Kernel command lines group a value with spaces in double quotes ({@code K="a b"}). */
    static String quote(String value) {
        return value.isEmpty() || value.chars().anyMatch(Character::isWhitespace) ? "\"" + value + "\"" : value;
    }

    private static List<String> words(String cmdline) {
        // Keep double-quoted groups together so a quoted value containing " -- " is not split.
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : cmdline.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (Character.isWhitespace(c) && !quoted) {
                if (current.length() > 0) {
                    words.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            words.add(current.toString());
        }
        return words;
    }
}
