package io.unibloc.sandbox.volume;

import io.unibloc.sandbox.spec.FileProjection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks on the host side of a projection, shared by the filesystem back ends. */
final class ProjectionSources {

    private ProjectionSources() {}

    /** @throws VolumeException unless the source is a readable regular file */
    static void check(FileProjection file) throws VolumeException {
        Path source = Path.of(file.source());
        if (!Files.isRegularFile(source) || !Files.isReadable(source)) {
            throw new VolumeException(
                    "cannot project " + file.source() + " to " + file.target() + ": the source is not a readable file");
        }
    }

    static long size(FileProjection file) throws VolumeException {
        try {
            return Files.size(Path.of(file.source()));
        } catch (IOException e) {
            throw new VolumeException("cannot read " + file.source() + ": " + e.getMessage(), e);
        }
    }

    /** The directories above {@code target}, outermost first: {@code /a/b/c} gives {@code /a}, {@code /a/b}. */
    static List<String> parents(String target) {
        List<String> parents = new ArrayList<>();
        int slash = target.indexOf('/', 1);
        while (slash > 0) {
            parents.add(target.substring(0, slash));
            slash = target.indexOf('/', slash + 1);
        }
        return parents;
    }
}
