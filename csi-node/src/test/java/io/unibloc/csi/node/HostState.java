package io.unibloc.csi.node;

import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.MountTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What tests check the host for after the fact: loop devices and mounts that should be gone. */
public final class HostState {
    private HostState() {}

    /** Loop devices whose backing file or device is exactly {@code backing}. */
    public static List<Path> loopsBackedBy(String backing) {
        return loops().stream()
                .filter(l -> l[1].equals(backing))
                .map(l -> Path.of(l[0]))
                .toList();
    }

    /** Loop devices whose backing file lies under {@code dir}. */
    public static List<Path> loopsBackedUnder(Path dir) {
        return loops().stream()
                .filter(l -> l[1].startsWith(dir.toString()))
                .map(l -> Path.of(l[0]))
                .toList();
    }

    /** Mount points under {@code dir}. */
    public static List<Path> mountsUnder(Path dir) {
        return MountTable.read().stream()
                .map(MountTable.Mount::mountPoint)
                .filter(p -> p.startsWith(dir))
                .toList();
    }

    private static List<String[]> loops() {
        String out = Exec.check(List.of("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"))
                .stdout();
        return Arrays.stream(out.split("\n"))
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .map(l -> l.split("\\s+", 2))
                .filter(p -> p.length == 2)
                .map(p -> new String[] {p[0], p[1].strip()})
                .toList();
    }
}
