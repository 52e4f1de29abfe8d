package io.unibloc.testkit.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's module dependency graph, read from {@code modules.dep} (what {@code depmod} writes and
 * {@code modprobe} and {@code modinfo -F depends} rely on): each line is {@code path: dependency paths}.
 * Modules listed in {@code modules.builtin} are part of the kernel and need no loading.
 */
final class KernelModules {

    private final Path root;
    private final Map<String, String> pathByName = new HashMap<>();
    private final Map<String, List<String>> dependencies = new HashMap<>();
    private final Set<String> builtin = new HashSet<>();

    private KernelModules(Path root) {
        this.root = root;
    }

    static KernelModules read(Path modulesDir) throws IOException {
        KernelModules modules = new KernelModules(modulesDir);
        for (String line : Files.readAllLines(modulesDir.resolve("modules.dep"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String path = line.substring(0, colon).strip();
            List<String> deps = new ArrayList<>();
            for (String dep : line.substring(colon + 1).strip().split("\\s+")) {
                if (!dep.isEmpty()) {
                    deps.add(dep);
                }
            }
            modules.pathByName.put(name(path), path);
            modules.dependencies.put(path, deps);
        }
        Path builtinList = modulesDir.resolve("modules.builtin");
        if (Files.isReadable(builtinList)) {
            for (String line : Files.readAllLines(builtinList)) {
                if (!line.isBlank()) {
                    modules.builtin.add(name(line.strip()));
                }
            }
        }
        return modules;
    }

    /**
     * The module files to load, dependencies first, so that loading them in order with {@code insmod}
     * satisfies every module. Built-in modules are left out.
     *
     * @throws IOException naming a module that is neither loadable nor built in
     */
    List<Path> loadOrder(List<String> wanted) throws IOException {
        Set<String> ordered = new LinkedHashSet<>();
        for (String name : wanted) {
            String normalized = name.replace('-', '_');
            if (builtin.contains(normalized)) {
                continue;
            }
            String path = pathByName.get(normalized);
            if (path == null) {
                throw new IOException(
                        "kernel module " + name + " is neither in " + root.resolve("modules.dep") + " nor built in");
            }
            visit(path, ordered, new HashSet<>());
        }
        List<Path> files = new ArrayList<>();
        for (String path : ordered) {
            files.add(root.resolve(path));
        }
        return files;
    }

    private void visit(String path, Set<String> ordered, Set<String> visiting) {
        if (ordered.contains(path) || !visiting.add(path)) {
            return;
        }
        for (String dep : dependencies.getOrDefault(path, List.of())) {
            visit(dep, ordered, visiting);
        }
        ordered.add(path);
    }

    /** {@code kernel/fs/nls/nls_iso8859-1.ko.zst} is module {@code nls_iso8859_1}. */
    static String name(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int ko = file.indexOf(".ko");
        return (ko < 0 ? file : file.substring(0, ko)).replace('-', '_');
    }
}
