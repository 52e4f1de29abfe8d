package io.unibloc.testkit.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a root filesystem tree for a test guest or a test image: {@code /bin/busybox} with the usual
 * applets, the directories an app expects ({@code /proc}, {@code /dev}, {@code /tmp}, {@code /etc}), an
 * optional {@code /app/run} script and any other files. Trees for vfat (which has no symbolic links) get
 * {@code /bin/sh} as a copy of busybox instead of applet links.
 */
public final class GuestRootfs {

    /** Applets linked in {@code /bin} (enough for shell scripts that test a guest). */
    static final List<String> APPLETS = List.of(
            "sh",
            "cat",
            "echo",
            "ls",
            "mount",
            "umount",
            "touch",
            "rm",
            "mkdir",
            "sleep",
            "sync",
            "test",
            "[",
            "printf",
            "dd",
            "grep",
            "sed",
            "head",
            "tail",
            "wc",
            "env",
            "true",
            "false",
            "id",
            "uname",
            "cp",
            "mv",
            "ln",
            "chmod",
            "date",
            "tee",
            "stat",
            "sha256sum");

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, Integer> modes = new LinkedHashMap<>();
    private boolean symlinks = true;
    private boolean busybox = true;

    private GuestRootfs() {}

    public static GuestRootfs builder() {
        return new GuestRootfs();
    }

    /** Adds {@code /app/run} with {@code script} (a {@code #!/bin/sh} script) as the guest's application. */
    public GuestRootfs app(String script) {
        return file("/app/run", script, 0755);
    }

    /** Adds a text file. @param path absolute path in the tree */
    public GuestRootfs file(String path, String content, int mode) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    /** Adds a file. @param path absolute path in the tree */
    public GuestRootfs file(String path, byte[] content, int mode) {
        if (!path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("path must be absolute without ..: " + path);
        }
        files.put(path, content.clone());
        modes.put(path, mode);
        return this;
    }

    /** {@code false} for trees that will become vfat: busybox is copied to {@code /bin/sh} instead of linked. */
    public GuestRootfs symlinks(boolean value) {
        symlinks = value;
        return this;
    }

    /** {@code false} for a tree without busybox (a marker-only root). */
    public GuestRootfs busybox(boolean value) {
        busybox = value;
        return this;
    }

    /** Writes the tree into {@code dir} (created if needed) and returns it. */
    public Path writeTo(Path dir) throws IOException {
        for (String sub : List.of("bin", "proc", "dev", "tmp", "etc", "app")) {
            Files.createDirectories(dir.resolve(sub));
        }
        if (busybox) {
            byte[] binary = Busybox.read();
            Path bin = dir.resolve("bin");
            write(bin.resolve("busybox"), binary, 0755);
            if (symlinks) {
                for (String applet : APPLETS) {
                    Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
                }
            } else {
                write(bin.resolve("sh"), binary, 0755);
            }
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = dir.resolve(file.getKey().substring(1));
            Files.createDirectories(target.getParent());
            write(target, file.getValue(), modes.get(file.getKey()));
        }
        return dir;
    }

    private static void write(Path path, byte[] content, int mode) throws IOException {
        Files.write(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions(mode)));
    }

    static String permissions(int mode) {
        String chars = "rwxrwxrwx";
        StringBuilder out = new StringBuilder();
        for (int bit = 8; bit >= 0; bit--) {
            out.append((mode & (1 << bit)) != 0 ? chars.charAt(8 - bit) : '-');
        }
        return out.toString();
    }
}
