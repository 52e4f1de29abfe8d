package io.unibloc.testkit.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A host kernel usable for test guests: {@code /boot/vmlinuz-VERSION} with its modules in
 * {@code /lib/modules/VERSION}. Debian's {@code linux-image-amd64} provides one.
 *
 * @param version e.g. {@code 6.1.0-56-amd64}
 * @param image the bzImage
 * @param modules the module tree, containing {@code modules.dep}
 */
public record TestKernel(String version, Path image, Path modules) {

    /** The newest kernel in {@code /boot} whose modules are installed, if any. */
    public static Optional<TestKernel> find() {
        return find(Path.of("/boot"), Path.of("/lib/modules"));
    }

    /** Like {@link #find()}, but fails with an explanation of what to install. */
    public static TestKernel require() {
        return find().orElseThrow(() -> new IllegalStateException("no test kernel: need /boot/vmlinuz-VERSION "
                + "and /lib/modules/VERSION/modules.dep (apt-get install linux-image-amd64)"));
    }

    static Optional<TestKernel> find(Path boot, Path lib) {
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (Stream<Path> images = Files.list(boot)) {
            return images.filter(path -> path.getFileName().toString().startsWith("vmlinuz-"))
                    .filter(Files::isReadable)
                    .map(path -> {
                        String version = path.getFileName().toString().substring("vmlinuz-".length());
                        return new TestKernel(version, path, lib.resolve(version));
                    })
                    .filter(kernel -> Files.isReadable(kernel.modules().resolve("modules.dep")))
                    .max(Comparator.comparing(TestKernel::version, TestKernel::compareVersions));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Compares dotted/dashed versions numerically where both parts are numbers. */
    static int compareVersions(String a, String b) {
        String[] left = a.split("[.-]");
        String[] right = b.split("[.-]");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int c;
            if (left[i].matches("\\d+") && right[i].matches("\\d+")) {
                c = Long.compare(Long.parseLong(left[i]), Long.parseLong(right[i]));
            } else {
                c = left[i].compareTo(right[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(left.length, right.length);
    }
}
