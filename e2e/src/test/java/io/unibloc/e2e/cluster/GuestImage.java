package io.unibloc.e2e.cluster;

import io.unibloc.testkit.image.Attrs;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The unikernel the suite runs: the host's Linux kernel and an initramfs whose init prints a marker. Its labels tell
 * the operator where the kernel and initrd are and how to boot, exactly as a published unikernel image would.
 */
final class GuestImage {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final String KERNEL_PATH = "/boot/vmlinuz";
    static final String INITRD_PATH = "/boot/initrd.img";

    private GuestImage() {}

    /** The newest /boot/vmlinuz-* that can be read, or empty (the suite then says which package to install). */
    static Optional<Path> hostKernel() {
        try (Stream<Path> files = Files.list(Path.of("/boot"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("vmlinuz-"))
                    .filter(Files::isReadable)
                    .max(Comparator.comparing(f -> f.getFileName().toString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static TestImage build(Path kernel, String marker) {
        try {
            byte[] initrd = Initramfs.printingMarker(Files.readAllBytes(BUSYBOX), marker);
            TestLayer layer = TestLayer.builder()
                    .dir("boot")
                    .file(KERNEL_PATH.substring(1), kernel, Attrs.defaults().mode(0644))
                    .file(INITRD_PATH.substring(1), initrd, Attrs.defaults().mode(0644))
                    .build();
            return TestImage.builder()
                    .layer(layer)
                    .label("io.unibloc.kernel", KERNEL_PATH)
                    .label("io.unibloc.initrd", INITRD_PATH)
                    .label("io.unibloc.cmdline", "console=ttyS0 rdinit=/init panic=-1")
                    .label("io.unibloc.guest", "linux")
                    .label("io.unibloc.vmm", "qemu")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUSYBOX + " for the guest image", e);
        }
    }
}
