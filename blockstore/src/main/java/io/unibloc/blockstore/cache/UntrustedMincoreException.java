package io.unibloc.blockstore.cache;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The kernel would tell this process that every page of a store file is resident, whatever is true
 * ({@link MincoreAccess}): the store's page cache is unknown to it, not its file sizes.
 */
public final class UntrustedMincoreException extends IOException {
    public UntrustedMincoreException(Path file, int owner, int euid) {
        super("needs write access to the store files: " + file + " is owned by uid " + owner
                + " and not writable by uid " + euid);
    }
}
