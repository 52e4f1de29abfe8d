package io.unibloc.testkit.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BusyboxTest {

    @Test
    void theHostBusyboxIsStaticAndADynamicProgramIsNot() throws IOException {
        assumeTrue(Files.isReadable(Busybox.PATH), "busybox-static not installed");
        assertThat(Busybox.isStatic(Files.readAllBytes(Busybox.PATH))).isTrue();
        assertThat(Busybox.isStatic(Files.readAllBytes(Path.of("/bin/ls")))).isFalse();
    }

    @Test
    void somethingThatIsNotElfIsNotAStaticProgram() {
        assertThat(Busybox.isStatic("#!/bin/sh\necho hi\n".repeat(10).getBytes()))
                .isFalse();
    }
}
