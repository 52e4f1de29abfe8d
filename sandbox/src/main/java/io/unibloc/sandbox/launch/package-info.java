/**
 * From a resolved boot spec to the exact VMM invocation. {@link io.unibloc.sandbox.launch.LaunchPlanner}
 * does the side effects (reads the kernel out of the volume, projects files, picks the accelerator) and
 * produces a {@link io.unibloc.sandbox.launch.LaunchPlan}; the {@link
 * io.unibloc.sandbox.launch.VmmCommandBuilder}s turn a plan into a command line and config files without
 * touching anything, so every VMM's format is unit-tested.
 *
 * <p>An ephemeral root boots through a fresh qcow2 {@link io.unibloc.sandbox.launch.RootOverlay} over the node's
 * shared read-only device; {@link io.unibloc.sandbox.launch.OverlayProjection} writes the spec's files into that
 * overlay (only the blocks they change, found in a scratch copy of the filesystem), so the guest sees the image with
 * its files exactly as on a persistent root while the shared device is only read.
 */
package io.unibloc.sandbox.launch;
