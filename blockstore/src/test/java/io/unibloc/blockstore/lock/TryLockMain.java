package io.unibloc.blockstore.lock;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run in a child JVM: tries an exclusive fcntl lock on a file once and prints "got" or "busy". */
public final class TryLockMain {
    private TryLockMain() {}

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            System.out.println(l == null ? "busy" : "got");
        }
    }
}
