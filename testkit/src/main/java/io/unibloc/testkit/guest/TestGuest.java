package io.unibloc.testkit.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A tiny Linux guest for tests: the host's kernel and a cached initramfs ({@link #kernel()},
 * {@link #initramfs()}). Nothing is downloaded.
 *
 * <p>The initramfs's {@code /init} follows this protocol; every line it prints starts with
 * {@value #LINE_PREFIX}:
 * <ol>
 *   <li>loads virtio (PCI and MMIO, block and net), ext4, vfat and ACPI power-button modules;
 *   <li>with {@code ip=ADDR::GW:NETMASK:HOST:eth0:off[:DNS0[:DNS1]]} on the command line, brings eth0 up with that
 *       address ({@code ip=dhcp}: by DHCP) and prints {@code eth0 mac MAC mtu N} and {@code eth0 ADDR/PREFIX};
 *   <li>with {@value #PARAM_HTTPD}{@code =PORT}, serves {@code /www} (an {@code index.html} saying {@value
 *       #HTTPD_GREETING}, with {@value #PARAM_HTTPD_BLOB_MIB}{@code =N} a {@code blob} of N MiB, and the root volume's
 *       {@code /www} if it has one) with busybox httpd, prints {@code httpd listening on port PORT} and waits for the
 *       power button or a request for {@value #HTTPD_STOP_PATH}, after which it powers off;
 *   <li>mounts {@code /dev/vda} at {@code /mnt}, read-only or read-write as the kernel command line says
 *       ({@code ro}/{@code rw}) and prints {@code mounted /dev/vda FSTYPE ro|rw};
 *   <li>powers off when the ACPI power button is pressed, printing {@code power button};
 *   <li>if the root has an executable {@code /app/run}, runs it chrooted into the root with init's
 *       environment (the {@code K=V} words of the kernel command line) and arguments (the words after
 *       {@code --}); its exit status becomes the guest's exit code;
 *   <li>otherwise prints {@code marker PATH:} and the content of the file named by
 *       {@value #PARAM_MARKER} (default {@code /marker});
 *   <li>{@value #PARAM_EXIT}{@code =N} overrides the exit code; {@value #PARAM_WAIT}{@code =1} prints
 *       {@code waiting for the power button} and waits instead of exiting;
 *   <li>prints {@code exit N} and ends: 0 powers off, other codes go to the {@code isa-debug-exit} port
 *       (0xf4), so QEMU exits with {@code (N << 1) | 1}.
 * </ol>
 *
 * @see GuestRootfs for trees with {@code /app/run}
 * @see GuestDisks for ext4 and vfat images of them
 */
public final class TestGuest {

    public static final String LINE_PREFIX = "unibloc-guest: ";
    public static final String PARAM_MARKER = "unibloc_marker";
    public static final String PARAM_EXIT = "unibloc_exit";
    public static final String PARAM_WAIT = "unibloc_wait";
    /** {@code unibloc_httpd=PORT}: serve {@code /www} with busybox httpd on PORT and wait for the power button. */
    public static final String PARAM_HTTPD = "unibloc_httpd";
    /** {@code unibloc_httpd_blob_mib=N}: the HTTP server also serves {@code /blob}, N MiB of zeros. */
    public static final String PARAM_HTTPD_BLOB_MIB = "unibloc_httpd_blob_mib";
    /** A request for this path powers the HTTP-serving guest off. */
    public static final String HTTPD_STOP_PATH = "/cgi-bin/stop";
    /** What the HTTP server's {@code /index.html} says. */
    public static final String HTTPD_GREETING = "hello from the unibloc test guest";
    /** Where {@link #installInto} puts the kernel and initramfs in a root tree. */
    public static final String KERNEL_IN_ROOT = "/boot/vmlinuz";

    public static final String INITRD_IN_ROOT = "/boot/initrd.img";

    private final TestKernel kernel;
    private final Path initramfs;

    private TestGuest(TestKernel kernel, Path initramfs) {
        this.kernel = kernel;
        this.initramfs = initramfs;
    }

    /**
     * Finds the host kernel and builds (or reuses) the initramfs under the temp directory's
     * {@code unibloc-test-guest}.
     *
     * @throws IllegalStateException when the host lacks a kernel with modules or a static busybox, saying
     *     which package to install
     */
    public static TestGuest prepare() throws IOException {
        return prepare(Path.of(System.getProperty("java.io.tmpdir"), "unibloc-test-guest"));
    }

    public static TestGuest prepare(Path cacheDir) throws IOException {
        TestKernel kernel = TestKernel.require();
        return new TestGuest(kernel, GuestInitramfs.build(kernel, cacheDir));
    }

    /** The kernel image on the host (a bzImage). */
    public Path kernel() {
        return kernel.image();
    }

    /** The initramfs on the host. */
    public Path initramfs() {
        return initramfs;
    }

    public String kernelVersion() {
        return kernel.version();
    }

    /**
     * Copies the kernel and initramfs into a root tree at {@value #KERNEL_IN_ROOT} and
     * {@value #INITRD_IN_ROOT}, for boots that read them out of the volume.
     */
    public void installInto(Path tree) throws IOException {
        Path boot = tree.resolve("boot");
        Files.createDirectories(boot);
        Files.copy(kernel(), boot.resolve("vmlinuz"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(initramfs, boot.resolve("initrd.img"), StandardCopyOption.REPLACE_EXISTING);
    }
}
