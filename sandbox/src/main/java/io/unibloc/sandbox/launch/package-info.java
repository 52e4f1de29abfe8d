/**
 * From a resolved boot spec to the exact VMM invocation. {@link io.unibloc.sandbox.launch.LaunchPlanner}
 * does the side effects (reads the kernel out of the volume, projects files, picks the accelerator) and
 * produces a {@link io.unibloc.sandbox.launch.LaunchPlan}; the {@link
 * io.unibloc.sandbox.launch.VmmCommandBuilder}s turn a plan into a command line and config files without
 * touching anything, so every VMM's format is unit-tested.
 */
package io.unibloc.sandbox.launch;
