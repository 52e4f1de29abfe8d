/**
 * A running guest: the VMM child process, its console streamed line by line, graceful shutdown through the
 * VMM's control socket (QMP for QEMU, the HTTP API for Firecracker and Cloud Hypervisor) with a kill after a
 * grace period, and the mapping of how the VMM ended to the guest's exit status ({@link
 * io.unibloc.sandbox.runtime.GuestExit}).
 */
package io.unibloc.sandbox.runtime;
