package io.unibloc.testkit.guest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's static busybox, the only userland a test guest needs. */
final class Busybox {

    static final Path PATH = Path.of("/bin/busybox");
    private static final int PT_INTERP = 3;

    private Busybox() {}

    /** The binary's bytes. @throws IllegalStateException when it is missing or dynamically linked */
    static byte[] read() throws IOException {
        if (!Files.isReadable(PATH)) {
            throw new IllegalStateException("no " + PATH + ": apt-get install busybox-static");
        }
        byte[] binary = Files.readAllBytes(PATH);
        if (!isStatic(binary)) {
            throw new IllegalStateException(PATH + " is dynamically linked and cannot run without a libc in the "
                    + "guest: apt-get install busybox-static");
        }
        return binary;
    }

    /** A 64-bit little-endian ELF without a PT_INTERP program header needs no dynamic loader. */
    static boolean isStatic(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2) {
            return false;
        }
        ByteBuffer header = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long programHeaders = header.getLong(0x20);
        int entrySize = header.getShort(0x36) & 0xffff;
        int entries = header.getShort(0x38) & 0xffff;
        for (int i = 0; i < entries; i++) {
            long offset = programHeaders + (long) i * entrySize;
            if (offset + 4 > elf.length) {
                return false;
            }
            if (header.getInt((int) offset) == PT_INTERP) {
                return false;
            }
        }
        return true;
    }
}
