package io.unibloc.sandbox.runtime;

import java.time.Duration;

/**
 * Proof that a guest is running: its first console output arrived. What the sandbox reports as "running" to
 * the outside (a ready file, a log line), never just "the VMM process exists".
 *
 * @param accel {@code kvm} or {@code tcg} for QEMU; {@code kvm} for the other VMMs
 * @param machine the QEMU machine type, or the VMM's name for the others
 * @param after from the VMM's start to the first console byte
 */
public record BootEvidence(String accel, String machine, Duration after) {}
