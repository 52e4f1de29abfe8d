package io.unibloc.sandbox.accel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class MultibootPayloadTest {

    @Test
    void hasAValidMultibootHeaderWithLoadAddresses() {
        ByteBuffer image =
                ByteBuffer.wrap(MultibootPayload.printAndExit("hi\n", 3)).order(ByteOrder.LITTLE_ENDIAN);

        int magic = image.getInt(0);
        int flags = image.getInt(4);
        int checksum = image.getInt(8);
        assertThat(magic).isEqualTo(0x1BADB002);
        assertThat(flags & 0x00010000).as("address fields valid (a.out kludge)").isNotZero();
        assertThat(magic + flags + checksum)
                .as("magic + flags + checksum wraps to 0")
                .isZero();
        assertThat(image.getInt(12)).as("header_addr").isEqualTo(0x100000);
        assertThat(image.getInt(16)).as("load_addr").isEqualTo(0x100000);
        assertThat(image.getInt(28)).as("entry_addr right after the header").isEqualTo(0x100000 + 32);
    }

    @Test
    void writesEachMessageByteToTheSerialPortThenTheCodeToTheExitPort() {
        byte[] image = MultibootPayload.printAndExit("ok", 42);

        // mov dx, 0x3f8 ; mov al, 'o' ; out dx, al ; mov al, 'k' ; out dx, al ; mov al, 42 ; out 0xf4, al
        byte[] expected = {
            0x66,
            (byte) 0xBA,
            (byte) 0xF8,
            0x03,
            (byte) 0xB0,
            'o',
            (byte) 0xEE,
            (byte) 0xB0,
            'k',
            (byte) 0xEE,
            (byte) 0xB0,
            42,
            (byte) 0xE6,
            (byte) 0xF4
        };
        byte[] code = new byte[expected.length];
        System.arraycopy(image, 32, code, 0, code.length);
        assertThat(code).isEqualTo(expected);
    }

    @Test
    void theExitCodeMustFitAByte() {
        assertThatThrownBy(() -> MultibootPayload.printAndExit("", 256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultibootPayload.printAndExit("", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
