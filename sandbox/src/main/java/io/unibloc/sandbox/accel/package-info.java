/**
 * Choosing between KVM and TCG. {@code /dev/kvm} existing is not proof that guests run: some hosts (nested
 * or paravirtualised KVM) accept the device, run a trivial guest and then hang real ones. {@link
 * io.unibloc.sandbox.accel.KvmProbe} boots a tiny 64-bit payload ({@link
 * io.unibloc.sandbox.accel.LongModePayload}: long mode, SSE, APIC timer interrupts) under KVM with the settings
 * real boots use and trusts KVM only when the payload reports back in time; {@link
 * io.unibloc.sandbox.accel.KvmVerdict} remembers a negative answer per host.
 */
package io.unibloc.sandbox.accel;
