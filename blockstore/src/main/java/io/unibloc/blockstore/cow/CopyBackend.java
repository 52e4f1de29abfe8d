package io.unibloc.blockstore.cow;

import io.unibloc.blockstore.fs.Exec;
import io.unibloc.types.StoreException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Real copies, the baseline every benchmark compares against. {@code --reflink=never} because coreutils
 * 9 reflinks by default; holes stay holes ({@code --sparse=always}).
 */
public final class CopyBackend implements CowBackend {
    private final Path dataRoot;

    public CopyBackend(Path dataRoot) {
        this.dataRoot = dataRoot;
    }

    @Override
    public String name() {
        return "copy";
    }

    @Override
    public Path dataRoot() {
        return dataRoot;
    }

    @Override
    public boolean sharesBlocks() {
        return false;
    }

    @Override
    public void cloneFile(Path source, Path target) {
        if (!Files.exists(source)) {
            throw StoreException.notFound("clone source does not exist: " + source);
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw StoreException.alreadyExists("clone target exists: " + target);
        }
        Exec.Result result =
                Exec.run(List.of("cp", "--reflink=never", "--sparse=always", source.toString(), target.toString()));
        if (!result.ok()) {
            try {
                Files.deleteIfExists(target);
            } catch (java.io.IOException ignored) {
                // the copy failed already; a leftover in a temp name is swept later
            }
            throw StoreException.internal("copy " + source + " -> " + target + " failed: " + result.output(), null);
        }
    }

    @Override
    public void close() {
        // nothing was set up
    }
}
