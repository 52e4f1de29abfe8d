package io.unibloc.blockstore.cow;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run in a child JVM: holds a SHARED fcntl lock on a file (as another store user would), says "locked", waits for a line. */
public final class SharedLockHolderMain {
    private SharedLockHolderMain() {}

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(
                        Path.of(args[0]),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
                FileLock ignored = ch.lock(0, Long.MAX_VALUE, true)) {
            System.out.println("locked");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
