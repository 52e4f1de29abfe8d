package io.unibloc.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A one-paragraph description of the machine the figures come from. */
final class HostDescription {
    private HostDescription() {}

    static String describe(Path storeDir) {
        String cpu = grep("/proc/cpuinfo", "model name").orElse("unknown CPU");
        long memKb = grep("/proc/meminfo", "MemTotal")
                .map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")))
                .orElse(0L);
        String kernel = safe(() -> Proc.run("uname", "-r").strip());
        String fsType = safe(
                () -> Proc.run("stat", "-f", "-c", "%T", storeDir.toString()).strip());
        return String.format(
                Locale.ROOT,
                "%s, %d cores, %.0f GiB RAM, kernel %s, Java %s, store %s on %s",
                cpu,
                Runtime.getRuntime().availableProcessors(),
                memKb / 1048576.0,
                kernel,
                System.getProperty("java.version"),
                storeDir,
                fsType);
    }

    private static java.util.Optional<String> grep(String file, String key) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static String safe(java.util.function.Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
