package io.unibloc.sandbox.accel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Generates a Multiboot (v1) kernel that exercises what real 64-bit guests need before it says anything: it
 * enters at 32 bits, builds identity page tables, enables PAE, long mode and paging, far-jumps into 64-bit
 * code, turns on the FPU and SSE and checks an SSE2 result, installs an IDT, starts the local APIC timer
 * and waits, with interrupts on, for three timer interrupts. Only then does it write its message to COM1 and its code to the {@code isa-debug-exit} port.
 *
 * <p>A host whose KVM runs a 32-bit payload but spins silently on a 64-bit guest (some paravirtualised or
 * nested KVMs) therefore fails this payload too, which is the point: {@link KvmProbe} boots it. A CPU
 * exception (anything going wrong on the way) leaves through the exit port with {@link #FAULT_CODE} and no
 * message.
 *
 * <p>Image layout (loaded at 1 MiB, {@code B} = 0x100000): header at B, 32-bit entry at B+0x20, GDT and the
 * descriptor-table pointers at B+0x400, 64-bit code at B+0x600, the interrupt handlers at B+0x800, page
 * tables at B+0x1000 (PML4), B+0x2000 (PDPT), B+0x3000 (PD for 0-8 MiB), B+0x4000 (PD for 3-4 GiB, holding
 * the local APIC's page), the IDT at B+0x5000, the {@code fxsave} area at B+0x6000; the stack grows down
 * from B+0x8000.
 */
public final class LongModePayload {

    /** The code the payload leaves with when a CPU exception occurred; QEMU then exits with 253. */
    public static final int FAULT_CODE = 0x7E;
    /** Timer interrupts the payload waits for before it prints. */
    public static final int TICKS = 3;

    private static final int BASE = 0x100000;
    private static final int MAGIC = 0x1BADB002;
    private static final int FLAG_ADDRESSES_VALID = 0x00010000;
    private static final int ENTRY32 = 0x20;
    private static final int GDT = 0x400;
    private static final int GDT_POINTER = 0x420;
    private static final int IDT_POINTER = 0x430;
    private static final int TICK_COUNTER = 0x440;
    private static final int SSE_OPERAND = 0x448;
    private static final int SSE_EXPECTED = 0x450;
    private static final long SSE_VALUE = 0x0123456789ABCDEFL;
    private static final int CODE64 = 0x600;
    private static final int TIMER_HANDLER = 0x800;
    private static final int FAULT_HANDLER = 0x840;
    private static final int IGNORE_HANDLER = 0x860;
    private static final int PML4 = 0x1000;
    private static final int PDPT = 0x2000;
    private static final int PD_LOW = 0x3000;
    private static final int PD_APIC = 0x4000;
    private static final int IDT = 0x5000;
    private static final int FXSAVE_AREA = 0x6000;
    private static final int STACK_TOP = 0x8000;
    private static final int SIZE = 0x8000;
    private static final int LAPIC = 0xFEE00000;
    private static final int TIMER_VECTOR = 0x20;
    private static final int COM1 = 0x3f8;

    private LongModePayload() {}

    /**
     * @param message ASCII text written to COM1 once the timer interrupts arrived (include the newline)
     * @param exitCode 0 to 255, written to the debug-exit port afterwards; QEMU exits with
     *     {@code (exitCode << 1) | 1}
     */
    public static byte[] printAndExit(String message, int exitCode) {
        if (exitCode < 0 || exitCode > 255) {
            throw new IllegalArgumentException("exit code must fit in a byte, got " + exitCode);
        }
        ByteBuffer image = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        header(image);
        entry32(image);
        descriptorTables(image);
        code64(image, message.getBytes(StandardCharsets.US_ASCII), exitCode);
        handlers(image);
        pageTables(image);
        return image.array();
    }

    private static void header(ByteBuffer image) {
        image.position(0);
        image.putInt(MAGIC);
        image.putInt(FLAG_ADDRESSES_VALID);
        image.putInt(-(MAGIC + FLAG_ADDRESSES_VALID));
        image.putInt(BASE); // header_addr
        image.putInt(BASE); // load_addr
        image.putInt(0); // load_end_addr: the whole file
        image.putInt(0); // bss_end_addr: no bss; the stack lives inside the file
        image.putInt(BASE + ENTRY32);
    }

    /** Protected mode, paging off: load the GDT, enable PAE, point CR3 at the PML4, set EFER.LME, enable paging. */
    private static void entry32(ByteBuffer image) {
        Code code = new Code(image, ENTRY32);
        code.bytes(0x0F, 0x01, 0x15).int32(BASE + GDT_POINTER); // lgdt [gdt_pointer]
        code.bytes(0x0F, 0x20, 0xE0); // mov eax, cr4
        code.bytes(0x0D).int32(0x20); // or eax, PAE
        code.bytes(0x0F, 0x22, 0xE0); // mov cr4, eax
        code.bytes(0xB8).int32(BASE + PML4); // mov eax, pml4
        code.bytes(0x0F, 0x22, 0xD8); // mov cr3, eax
        code.bytes(0xB9).int32(0xC0000080); // mov ecx, IA32_EFER
        code.bytes(0x0F, 0x32); // rdmsr
        code.bytes(0x0D).int32(0x100); // or eax, LME
        code.bytes(0x0F, 0x30); // wrmsr
        code.bytes(0x0F, 0x20, 0xC0); // mov eax, cr0
        code.bytes(0x0D).int32(0x80000001); // or eax, PG | PE
        code.bytes(0x0F, 0x22, 0xC0); // mov cr0, eax
        code.bytes(0xEA).int32(BASE + CODE64).bytes(0x08, 0x00); // jmp 0x08:code64 (into the 64-bit segment)
    }

    private static void descriptorTables(ByteBuffer image) {
        image.putLong(GDT, 0L);
        image.putLong(GDT + 8, 0x00AF9A000000FFFFL); // 0x08: 64-bit code, present, ring 0
        image.putLong(GDT + 16, 0x00CF92000000FFFFL); // 0x10: data, present, writable
        image.putShort(GDT_POINTER, (short) 23);
        image.putInt(GDT_POINTER + 2, BASE + GDT);
        image.putLong(SSE_OPERAND, SSE_VALUE);
        image.putLong(SSE_EXPECTED, SSE_VALUE * 2);
        image.putShort(IDT_POINTER, (short) (256 * 16 - 1));
        image.putLong(IDT_POINTER + 2, BASE + IDT);
        for (int vector = 0; vector < 256; vector++) {
            int handler = vector < 32 ? FAULT_HANDLER : vector == TIMER_VECTOR ? TIMER_HANDLER : IGNORE_HANDLER;
            long target = BASE + handler;
            int at = IDT + vector * 16;
            image.putShort(at, (short) (target & 0xFFFF));
            image.putShort(at + 2, (short) 0x08); // code segment selector
            image.put(at + 4, (byte) 0); // no interrupt stack table
            image.put(at + 5, (byte) 0x8E); // present, ring 0, 64-bit interrupt gate
            image.putShort(at + 6, (short) ((target >>> 16) & 0xFFFF));
            image.putInt(at + 8, (int) (target >>> 32));
        }
    }

    /** Long mode: segments, stack, IDT, APIC timer, wait for the ticks, then print and exit. */
    private static void code64(ByteBuffer image, byte[] message, int exitCode) {
        Code code = new Code(image, CODE64);
        code.bytes(0x66, 0xB8, 0x10, 0x00); // mov ax, 0x10
        code.bytes(0x8E, 0xD8, 0x8E, 0xC0, 0x8E, 0xD0); // mov ds, ax; mov es, ax; mov ss, ax
        code.bytes(0xBC).int32(BASE + STACK_TOP); // mov esp, stack_top (zero-extends into rsp)
        code.bytes(0x0F, 0x01, 0x1C, 0x25).int32(BASE + IDT_POINTER); // lidt [idt_pointer]
        floatingPoint(code);
        // Mask both 8259 PICs: firmware leaves them routed (IRQ 0 at vector 8 under SeaBIOS), and a legacy
        // timer interrupt would otherwise arrive on an exception vector.
        code.bytes(0xB0, 0xFF, 0xE6, 0x21, 0xE6, 0xA1); // mov al, 0xff; out 0x21, al; out 0xa1, al
        code.bytes(0xBB).int32(LAPIC); // mov ebx, LAPIC base
        lapicWrite(code, 0xF0, 0x1FF); // spurious vector register: APIC on, spurious vector 0xFF
        lapicWrite(code, 0x3E0, 0x3); // divide configuration: by 16
        lapicWrite(code, 0x320, 0x20000 | TIMER_VECTOR); // LVT timer: periodic, vector 0x20
        lapicWrite(code, 0x380, 0x10000); // initial count: starts the timer
        int loop = code.position();
        code.bytes(0xFB); // sti
        code.bytes(0xF4); // hlt (sti's one-instruction shadow makes sti; hlt race-free)
        code.bytes(0x83, 0x3C, 0x25).int32(BASE + TICK_COUNTER).bytes(TICKS); // cmp dword [ticks], TICKS
        code.bytes(0x72, (byte) (loop - (code.position() + 2))); // jb loop
        code.bytes(0xFA); // cli
        lapicWrite(code, 0x320, 0x10000); // mask the timer again
        code.bytes(0x66, 0xBA).int16(COM1); // mov dx, COM1
        for (byte b : message) {
            code.bytes(0xB0, b, 0xEE); // mov al, b; out dx, al
        }
        exit(code, exitCode);
    }

    /**
     * Turns on the x87 FPU and SSE as every 64-bit kernel does (Linux during FPU set-up, Unikraft whose x86_64
     * builds use SSE), saves the FPU state with {@code fxsave}, and checks an SSE2 sum. The paravirtualised KVM
     * of the issue fails exactly here ("KVM internal error ... emulation failure" on the first SSE
     * instruction) and then halts the guest without a word, while everything before works.
     */
    private static void floatingPoint(Code code) {
        code.bytes(0x0F, 0x20, 0xC0); // mov rax, cr0
        code.bytes(0x25).int32(~0x4); // and eax, ~EM
        code.bytes(0x83, 0xC8, 0x02); // or eax, MP
        code.bytes(0x0F, 0x22, 0xC0); // mov cr0, rax
        code.bytes(0x0F, 0x20, 0xE0); // mov rax, cr4
        code.bytes(0x0D).int32(0x600); // or eax, OSFXSR | OSXMMEXCPT
        code.bytes(0x0F, 0x22, 0xE0); // mov cr4, rax
        code.bytes(0xDB, 0xE3); // fninit
        code.bytes(0x0F, 0xAE, 0x04, 0x25).int32(BASE + FXSAVE_AREA); // fxsave [fxsave_area]
        code.bytes(0xF3, 0x0F, 0x7E, 0x04, 0x25).int32(BASE + SSE_OPERAND); // movq xmm0, [operand]
        code.bytes(0x66, 0x0F, 0xD4, 0xC0); // paddq xmm0, xmm0
        code.bytes(0x66, 0x48, 0x0F, 0x7E, 0xC0); // movq rax, xmm0
        code.bytes(0x48, 0x3B, 0x04, 0x25).int32(BASE + SSE_EXPECTED); // cmp rax, [expected]
        code.bytes(0x0F, 0x85).int32(FAULT_HANDLER - (code.position() + 4)); // jne fault
    }

    private static void handlers(ByteBuffer image) {
        Code timer = new Code(image, TIMER_HANDLER);
        timer.bytes(0xFF, 0x04, 0x25).int32(BASE + TICK_COUNTER); // inc dword [ticks]
        timer.bytes(0x53); // push rbx
        timer.bytes(0xBB).int32(LAPIC); // mov ebx, LAPIC base
        lapicWrite(timer, 0xB0, 0); // end of interrupt
        timer.bytes(0x5B); // pop rbx
        timer.bytes(0x48, 0xCF); // iretq
        exit(new Code(image, FAULT_HANDLER), FAULT_CODE);
        new Code(image, IGNORE_HANDLER).bytes(0x48, 0xCF); // iretq: spurious and stray vectors
    }

    private static void pageTables(ByteBuffer image) {
        image.putLong(PML4, BASE + PDPT | 0x3L); // present, writable
        image.putLong(PDPT, BASE + PD_LOW | 0x3L); // 0-1 GiB
        image.putLong(PDPT + 3 * 8, BASE + PD_APIC | 0x3L); // 3-4 GiB
        for (int i = 0; i < 4; i++) {
            image.putLong(PD_LOW + i * 8, (long) i << 21 | 0x83L); // 2 MiB pages, identity: 0-8 MiB
        }
        long apicPage = Integer.toUnsignedLong(LAPIC) & ~((1L << 21) - 1);
        int apicIndex = (int) ((apicPage >> 21) & 0x1FF);
        image.putLong(PD_APIC + apicIndex * 8, apicPage | 0x9BL); // 2 MiB page, cache-disabled, write-through
    }

    /** {@code mov dword [rbx + offset], value}: a local APIC register write (rbx holds the APIC base). */
    private static void lapicWrite(Code code, int offset, int value) {
        code.bytes(0xC7, 0x83).int32(offset).int32(value);
    }

    /** {@code mov al, code; out 0xf4, al}, then {@code cli; hlt} forever should the device be missing. */
    private static void exit(Code code, int exitCode) {
        code.bytes(0xB0, exitCode, 0xE6, MultibootPayload.DEBUG_EXIT_PORT);
        code.bytes(0xFA, 0xF4, 0xEB, 0xFD);
    }

    /** Writes machine code sequentially from an offset of the image. */
    private static final class Code {
        private final ByteBuffer image;

        Code(ByteBuffer image, int offset) {
            this.image = image;
            image.position(offset);
        }

        Code bytes(int... values) {
            for (int value : values) {
                image.put((byte) value);
            }
            return this;
        }

        Code int16(int value) {
            image.putShort((short) value);
            return this;
        }

        Code int32(int value) {
            image.putInt(value);
            return this;
        }

        int position() {
            return image.position();
        }
    }
}
