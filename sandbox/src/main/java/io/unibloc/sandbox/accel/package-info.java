/**
 * Choosing between KVM and TCG. {@code /dev/kvm} existing is not proof that guests run: some hosts (nested
 * or paravirtualised KVM) accept the device and then hang or crash guests. {@link
 * io.unibloc.sandbox.accel.KvmProbe} boots a tiny Multiboot payload ({@link
 * io.unibloc.sandbox.accel.MultibootPayload}) under KVM with the settings real boots use and trusts KVM only
 * when the payload reports back in time.
 */
package io.unibloc.sandbox.accel;
