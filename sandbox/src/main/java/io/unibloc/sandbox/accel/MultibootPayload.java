package io.unibloc.sandbox.accel;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Generates a minimal Multiboot (v1) kernel: it writes a message to the first serial port and leaves
 * through QEMU's {@code isa-debug-exit} device with a chosen code. It needs no toolchain and loads in
 * milliseconds, which makes it the KVM probe's guest and a cheap guest for tests of the multiboot path.
 *
 * <p>The image uses the Multiboot "a.out kludge" (header flag bit 16), so it is a flat binary loaded at
 * 1 MiB; the loader enters it in 32-bit protected mode with interrupts off.
 */
public final class MultibootPayload {

    /** Port of the {@code isa-debug-exit} device the payload writes its code to. */
    public static final int DEBUG_EXIT_PORT = 0xf4;

    private static final int MAGIC = 0x1BADB002;
    private static final int FLAG_ADDRESSES_VALID = 0x00010000;
    private static final int LOAD_ADDRESS = 0x100000;
    private static final int HEADER_SIZE = 32;
    private static final int COM1 = 0x3f8;

    private MultibootPayload() {}

    /**
     * A kernel that never says anything: it halts with interrupts off for ever, as a guest hung before its
     * first console line does. For tests of the boot watchdog.
     */
    public static byte[] silent() {
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        code.write(0xFA); // cli
        code.write(0xF4); // hlt
        code.write(0xEB); // jmp back to hlt
        code.write(0xFD);
        return withHeader(code.toByteArray());
    }

    /**
     * @param message ASCII text written to COM1 byte by byte (include the newline you want)
     * @param exitCode value written to the debug-exit port, 0 to 255; QEMU then exits with
     *     {@code (exitCode << 1) | 1}
     */
    public static byte[] printAndExit(String message, int exitCode) {
        if (exitCode < 0 || exitCode > 255) {
            throw new IllegalArgumentException("exit code must fit in a byte, got " + exitCode);
        }
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        // mov dx, COM1
        code.write(0x66);
        code.write(0xBA);
        code.write(COM1 & 0xff);
        code.write(COM1 >> 8);
        for (byte b : message.getBytes(StandardCharsets.US_ASCII)) {
            code.write(0xB0); // mov al, imm8
            code.write(b);
            code.write(0xEE); // out dx, al
        }
        code.write(0xB0); // mov al, exitCode
        code.write(exitCode);
        code.write(0xE6); // out DEBUG_EXIT_PORT, al
        code.write(DEBUG_EXIT_PORT);
        // Should the device be missing: cli; hlt; jmp back to hlt.
        code.write(0xFA);
        code.write(0xF4);
        code.write(0xEB);
        code.write(0xFD);
        return withHeader(code.toByteArray());
    }

    private static byte[] withHeader(byte[] body) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC);
        header.putInt(FLAG_ADDRESSES_VALID);
        header.putInt(-(MAGIC + FLAG_ADDRESSES_VALID));
        header.putInt(LOAD_ADDRESS); // header_addr: the header is the first thing in the image
        header.putInt(LOAD_ADDRESS); // load_addr
        header.putInt(0); // load_end_addr: 0 = the whole file
        header.putInt(0); // bss_end_addr: no bss
        header.putInt(LOAD_ADDRESS + HEADER_SIZE); // entry_addr: right after the header

        byte[] image = new byte[HEADER_SIZE + body.length];
        System.arraycopy(header.array(), 0, image, 0, HEADER_SIZE);
        System.arraycopy(body, 0, image, HEADER_SIZE, body.length);
        return image;
    }
}
