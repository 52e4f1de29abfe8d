/**
 * {@code unibloc run}: the local path end to end on one machine — image to chain images to a volume
 * clone to a loop device to a guest booted by the sandbox — with the timings a user cares about.
 */
package io.unibloc.cli.run;
