package io.unibloc.blockstore.content;

import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.Sha256;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Run in a child JVM: takes a blob's writer lock, says "locked", waits for a line on stdin, then commits. */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        ContentStore store = new ContentStore(Path.of(args[0]));
        byte[] content = args[1].getBytes(StandardCharsets.UTF_8);
        Digest d = Sha256.of(content);
        try (BlobWriter w = store.openWriter(d, content.length, "child")) {
            System.out.println("locked");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            w.write(content, 0, content.length);
            w.commit();
        }
        System.out.println("committed");
    }
}
