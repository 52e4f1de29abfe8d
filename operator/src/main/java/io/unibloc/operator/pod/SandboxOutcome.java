package io.unibloc.operator.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * What the sandbox wrote to its termination log when the guest ended: JSON {@code {"reason", "exitCode",
 * "accel", "message"}}, which the kubelet puts in the container status as {@code state.terminated.message}.
 * Reasons: {@code PoweredOff}, {@code GuestExited}, {@code GuestReset}, {@code BootTimeout}, {@code Killed},
 * {@code VmmFailed}, {@code SandboxFailed}, {@code NetworkSetupFailed} (the guest was not booted: its network
 * could not be set up; the message names cause and fix), {@code Stopped} (exit 143, or 130 for SIGINT: the guest
 * powered off because the sandbox was told to stop — a liveness kill, a Pod deletion, a node drain — so it reads as
 * a container ended by that signal, not as a clean exit).
 */
public record SandboxOutcome(String reason, Integer exitCode, String accel, String message) {
    /** The sandbox's exit status when its boot watchdog ended a silent guest. */
    public static final int BOOT_TIMEOUT_EXIT = 124;

    public static final String BOOT_TIMEOUT = "BootTimeout";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Empty when the text is not the sandbox's JSON (an older sandbox, a container killed before it wrote). */
    public static Optional<SandboxOutcome> parse(String text) {
        if (text == null || text.isBlank() || !text.strip().startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject() || !node.hasNonNull("reason")) {
                return Optional.empty();
            }
            return Optional.of(new SandboxOutcome(
                    node.get("reason").asText(),
                    node.hasNonNull("exitCode") ? node.get("exitCode").asInt() : null,
                    node.hasNonNull("accel") ? node.get("accel").asText() : null,
                    node.hasNonNull("message") ? node.get("message").asText() : null));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the boot watchdog ended the guest: the reason, or exit code 124 when there is no report. */
    public static boolean bootTimedOut(Integer exitCode, Optional<SandboxOutcome> outcome) {
        return outcome.map(o -> BOOT_TIMEOUT.equals(o.reason())).orElse(false)
                || (outcome.isEmpty() && exitCode != null && exitCode == BOOT_TIMEOUT_EXIT);
    }
}
