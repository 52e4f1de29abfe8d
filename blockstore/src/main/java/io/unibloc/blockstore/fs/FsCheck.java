package io.unibloc.blockstore.fs;

import io.unibloc.types.FsType;
import java.nio.file.Path;
import java.util.List;

/** Read-only consistency checks of an image: {@code e2fsck -fn} for ext, {@code fsck.vfat -n} for FAT. */
public final class FsCheck {
    private FsCheck() {}

    /** The check's outcome; {@code clean} only when the tool found nothing to repair. */
    public record Report(boolean clean, String output) {}

    public static Report check(Path image, FsType type) {
        List<String> command = switch (type) {
            case EXT4, EXT2 -> List.of("e2fsck", "-fn", image.toString());
            case VFAT -> List.of("fsck.vfat", "-n", image.toString());
            case RAW -> throw new IllegalArgumentException("a raw image has no filesystem the engine knows: " + image);
        };
        Exec.Result result = Exec.run(command);
        return new Report(result.ok(), result.stdout() + result.stderr());
    }
}
