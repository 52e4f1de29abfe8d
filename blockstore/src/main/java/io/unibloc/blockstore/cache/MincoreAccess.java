package io.unibloc.blockstore.cache;

import io.unibloc.blockstore.fs.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Whether {@code mincore(2)} tells this process the truth about a file. Since Linux 5.2 the kernel answers "every
 * page resident" for a file mapping unless the caller owns the file, may write it, or holds {@code CAP_FOWNER} (a
 * fix against page-cache side channels). A non-root {@code unibloc df} on a readable, root-owned store would
 * otherwise report its files' sizes — GiBs for sparse images — as page cache. Root stands for {@code CAP_FOWNER}:
 * a capability-only process is told "unknown", never a wrong figure. Thread-safe; no state.
 */
public final class MincoreAccess {
    private final int euid;
    private final Predicate<Path> writable;

    /** This process: its effective uid, and {@code access(W_OK)} for writability. */
    public static MincoreAccess ofThisProcess() {
        return new MincoreAccess(LibC.INSTANCE.geteuid(), Files::isWritable);
    }

    /** A caller of uid {@code euid} that may write the files {@code writable} accepts (a seam for tests). */
    public MincoreAccess(int euid, Predicate<Path> writable) {
        this.euid = euid;
        this.writable = writable;
    }

    /**
     * Returns when the kernel answers truly for {@code file}; otherwise throws {@link UntrustedMincoreException}
     * naming the file, its owner and this uid. Errors: the IOException of reading the file's owner.
     */
    public void check(Path file) throws IOException {
        int owner = (Integer) Files.getAttribute(file, "unix:uid");
        if (!answers(owner, euid, writable.test(file))) {
            throw new UntrustedMincoreException(file, owner, euid);
        }
    }

    /** The kernel's rule ({@code can_do_mincore}): owner, writer, or capable (root here). */
    static boolean answers(int owner, int euid, boolean writable) {
        return euid == 0 || owner == euid || writable;
    }
}
