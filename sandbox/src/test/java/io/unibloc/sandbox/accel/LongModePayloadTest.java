package io.unibloc.sandbox.accel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The payload's structure; MultibootGuestIT runs it under TCG on every machine to prove its code. */
class LongModePayloadTest {

    private final ByteBuffer image =
            ByteBuffer.wrap(LongModePayload.printAndExit("ok\n", 42)).order(ByteOrder.LITTLE_ENDIAN);

    @Test
    void isAMultibootKernelEnteredRightAfterItsHeader() {
        int magic = image.getInt(0);
        int flags = image.getInt(4);
        assertThat(magic).isEqualTo(0x1BADB002);
        assertThat(magic + flags + image.getInt(8)).isZero();
        assertThat(image.getInt(16)).as("load_addr").isEqualTo(0x100000);
        assertThat(image.getInt(28)).as("entry_addr").isEqualTo(0x100020);
    }

    @Test
    void switchesToLongModeThroughPaeEferAndPaging() {
        // or eax, PAE ... mov cr3 ... mov ecx, IA32_EFER; rdmsr; or eax, LME; wrmsr ... or eax, PG|PE
        assertThat(indexOf(0x0D, 0x20, 0, 0, 0)).as("CR4.PAE").isPositive();
        assertThat(indexOf(0xB9, 0x80, 0, 0, 0xC0, 0x0F, 0x32, 0x0D, 0, 1, 0, 0, 0x0F, 0x30))
                .as("EFER.LME")
                .isPositive();
        assertThat(indexOf(0x0D, 0x01, 0, 0, 0x80)).as("CR0.PG|PE").isPositive();
        assertThat(image.getLong(0x1000) & ~0xFFFL).as("PML4[0] -> PDPT").isEqualTo(0x102000);
        assertThat(image.getLong(0x3000 + 8) & 0x83)
                .as("PD[1] maps a present, writable 2 MiB page")
                .isEqualTo(0x83);
    }

    @Test
    void usesSseAndTheApicTimerBeforeItPrints() {
        int paddq = indexOf(0x66, 0x0F, 0xD4, 0xC0);
        int timerStart = indexOf(0xC7, 0x83, 0x80, 0x03, 0, 0); // LAPIC initial count register
        int sti = indexOf(0xFB, 0xF4);
        int firstSerialWrite = indexOf(0xB0, 'o', 0xEE);
        assertThat(paddq).isPositive().isLessThan(timerStart);
        assertThat(timerStart).isLessThan(sti);
        assertThat(sti).isLessThan(firstSerialWrite);
    }

    @Test
    void everyExceptionVectorLeadsToTheFaultExitAndVector32ToTheTimer() {
        long fault = gate(0);
        for (int vector = 1; vector < 32; vector++) {
            assertThat(gate(vector)).as("vector %d", vector).isEqualTo(fault);
        }
        assertThat(gate(32)).isNotEqualTo(fault);
        int at = (int) (fault - 0x100000);
        assertThat(image.get(at) & 0xff).isEqualTo(0xB0); // mov al, FAULT_CODE
        assertThat(image.get(at + 1) & 0xff).isEqualTo(LongModePayload.FAULT_CODE);
    }

    @Test
    void theExitCodeMustFitAByte() {
        assertThatThrownBy(() -> LongModePayload.printAndExit("", 256)).isInstanceOf(IllegalArgumentException.class);
    }

    private long gate(int vector) {
        int at = 0x5000 + vector * 16;
        return (image.getShort(at) & 0xFFFFL)
                | (image.getShort(at + 6) & 0xFFFFL) << 16
                | (image.getInt(at + 8) & 0xFFFFFFFFL) << 32;
    }

    private int indexOf(int... pattern) {
        byte[] bytes = image.array();
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if ((bytes[i + j] & 0xff) != (pattern[j] & 0xff)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
