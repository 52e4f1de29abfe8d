package io.unibloc.blockstore.cow;

import java.nio.file.Path;

/** Clones by FICLONE in a directory whose filesystem shares blocks (XFS with reflink, btrfs). */
public final class ReflinkBackend implements CowBackend {
    private final Path dataRoot;

    public ReflinkBackend(Path dataRoot) {
        this.dataRoot = dataRoot;
    }

    @Override
    public String name() {
        return "reflink";
    }

    @Override
    public Path dataRoot() {
        return dataRoot;
    }

    @Override
    public boolean sharesBlocks() {
        return true;
    }

    @Override
    public void cloneFile(Path source, Path target) {
        Ficlone.cloneFile(source, target);
    }

    @Override
    public void close() {
        // nothing was set up
    }
}
