/**
 * The sandbox launcher: boots a guest from a boot spec and a raw block device under a VMM, streams its
 * console, shuts it down gracefully on request and reports its exit status.
 *
 * <p>{@link io.unibloc.sandbox.Sandbox} is the library entry point (used by {@code unibloc run}), {@link
 * io.unibloc.sandbox.Main} the container entry point. Sub-packages: {@code spec} (the JSON contract),
 * {@code launch} (spec to command line), {@code volume} (files in the root filesystem without mounting),
 * {@code accel} (KVM or TCG), {@code runtime} (the running VMM), {@code net} (the guest's side of the Pod
 * network: tap or passt), {@code tool} (host tools).
 *
 * <p>The root is the guest's own device (persistent) or, with a root overlay, the node's shared read-only device
 * behind a fresh qcow2 overlay per boot (ephemeral). The boot spec's files are written before every boot in both
 * cases — into the device, or into the overlay — so Unikraft and Linux guests find them at their paths either way.
 */
package io.unibloc.sandbox;
