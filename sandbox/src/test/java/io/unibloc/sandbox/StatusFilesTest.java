package io.unibloc.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.runtime.BootEvidence;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files through which a node learns that a guest runs and why it ended. */
class StatusFilesTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    private StatusFiles files() {
        return StatusFiles.fromEnvironment(Map.of(
                StatusFiles.ENV_READY_FILE,
                dir.resolve("run/ready").toString(),
                StatusFiles.ENV_TERMINATION_LOG,
                dir.resolve("termination-log").toString()));
    }

    @Test
    void theReadyFileAppearsOnlyWithEvidenceAndGoesWhenTheGuestEnds() throws IOException {
        StatusFiles files = files();
        assertThat(dir.resolve("run/ready")).doesNotExist();

        files.running(new BootEvidence("tcg", "pc", Duration.ofMillis(321)));
        JsonNode ready = json.readTree(dir.resolve("run/ready").toFile());
        assertThat(ready.get("accel").asText()).isEqualTo("tcg");
        assertThat(ready.get("machine").asText()).isEqualTo("pc");
        assertThat(ready.get("firstOutputMillis").asLong()).isEqualTo(321);

        files.ended(new RunResult(new GuestExit.PoweredOff(), Accel.TCG, Duration.ofSeconds(1), Duration.ZERO));
        assertThat(dir.resolve("run/ready")).doesNotExist();
    }

    @Test
    void aReadyFileLeftByAKilledContainerIsGoneBeforeTheNextGuestStarts() throws IOException {
        // The previous container was SIGKILLed after its guest printed: ended() never ran.
        files().running(new BootEvidence("tcg", "pc", Duration.ofMillis(100)));
        assertThat(dir.resolve("run/ready")).exists();

        files().starting();
        assertThat(dir.resolve("run/ready"))
                .as("the startup probe must wait for this container's guest")
                .doesNotExist();
    }

    @Test
    void aBootTimeoutLeavesAMachineReadableTerminationMessage() throws IOException {
        GuestExit timeout = new GuestExit.BootTimeout("kvm", "pc", Duration.ofSeconds(10), "", "KVM internal error");

        files().ended(new RunResult(timeout, Accel.KVM, Duration.ofSeconds(10), null));

        JsonNode message = json.readTree(dir.resolve("termination-log").toFile());
        assertThat(message.get("reason").asText()).isEqualTo("BootTimeout");
        assertThat(message.get("exitCode").asInt()).isEqualTo(124);
        assertThat(message.get("accel").asText()).isEqualTo("kvm");
        assertThat(message.get("message").asText())
                .contains("no console output within 10000 ms under kvm on machine pc");
    }

    @Test
    void everyOutcomeHasItsOwnReason() {
        assertThat(StatusFiles.reason(new GuestExit.PoweredOff())).isEqualTo("PoweredOff");
        assertThat(StatusFiles.reason(new GuestExit.DebugExit(3))).isEqualTo("GuestExited");
        assertThat(StatusFiles.reason(new GuestExit.Reset())).isEqualTo("GuestReset");
        assertThat(StatusFiles.reason(new GuestExit.Killed("x"))).isEqualTo("Killed");
        assertThat(StatusFiles.reason(new GuestExit.VmmFailed(1, "x"))).isEqualTo("VmmFailed");
        assertThat(StatusFiles.reason(new GuestExit.Stopped("TERM", 15))).isEqualTo("Stopped");
        assertThat(StatusFiles.reason(new GuestExit.BootTimeout("tcg", "q35", Duration.ZERO, "", "")))
                .isEqualTo("BootTimeout");
    }

    @Test
    void aFailureBeforeBootIsReportedToo() throws IOException {
        files().failed("root device /dev/unibloc-root does not exist");

        JsonNode message = json.readTree(dir.resolve("termination-log").toFile());
        assertThat(message.get("reason").asText()).isEqualTo("SandboxFailed");
        assertThat(message.get("exitCode").asInt()).isEqualTo(125);
    }
}
