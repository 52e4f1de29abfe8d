package io.unibloc.sandbox.accel;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's remembered verdict that KVM cannot run guests, kept in a small properties file so that later
 * boots (and, on a Kubernetes node, the node plugin and every sandbox Pod) skip a KVM attempt that is known to
 * hang. The verdict is tied to the running host kernel's release: after a kernel upgrade it no longer applies
 * and KVM is probed again. Deleting the file forgets it.
 *
 * <p>File format ({@code java.util.Properties}): {@code accel=tcg}, {@code reason=...}, {@code kernel=<uname
 * -r>}, {@code recordedAt=<ISO instant>}. Written to a temporary name and renamed, so readers never see half a
 * file.
 */
public final class KvmVerdict {

    private static final Logger LOG = LoggerFactory.getLogger(KvmVerdict.class);
    private static final Path OS_RELEASE = Path.of("/proc/sys/kernel/osrelease");

    private final Path file;
    private final String kernelRelease;

    /**
     * @param file where the verdict lives (CLI: {@code <store>/kvm-verdict.properties}; a node: a host path the
     *     node plugin and the sandbox Pods share)
     */
    public KvmVerdict(Path file) {
        this(file, hostKernelRelease());
    }

    KvmVerdict(Path file, String kernelRelease) {
        this.file = file;
        this.kernelRelease = kernelRelease;
    }

    public Path file() {
        return file;
    }

    /** Why KVM is unusable, when the file says so for this host kernel; empty otherwise or when unreadable. */
    public Optional<String> kvmUnusable() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("ignoring unreadable KVM verdict file={}: {}", file, e.getMessage());
            return Optional.empty();
        }
        if (!"tcg".equals(properties.getProperty("accel"))) {
            return Optional.empty();
        }
        String recordedFor = properties.getProperty("kernel", "");
        if (!recordedFor.equals(kernelRelease)) {
            LOG.info(
                    "KVM verdict file={} was recorded under kernel {}, this is {}; probing again",
                    file,
                    recordedFor,
                    kernelRelease);
            return Optional.empty();
        }
        return Optional.of(properties.getProperty("reason", "recorded without a reason"));
    }

    /** Records that KVM cannot run guests on this host, and why. Failing to write is logged, not thrown. */
    public void recordKvmUnusable(String reason) {
        Properties properties = new Properties();
        properties.setProperty("accel", "tcg");
        properties.setProperty("reason", reason);
        properties.setProperty("kernel", kernelRelease);
        properties.setProperty("recordedAt", Instant.now().toString());
        Path temp = file.resolveSibling(
                file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer writer = Files.newBufferedWriter(temp)) {
                properties.store(writer, "unibloc: KVM cannot run guests on this host; delete to probe again");
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.info("recorded KVM verdict file={}: {}", file, reason);
        } catch (IOException e) {
            LOG.warn("cannot record the KVM verdict in {}: {}", file, e.getMessage());
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private static String hostKernelRelease() {
        try {
            return Files.readString(OS_RELEASE).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
