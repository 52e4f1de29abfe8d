/**
 * Volumes: a copy-on-write clone of a chain's top image, grown to the requested size, attached as a loop
 * device. Metadata is a small JSON file per volume, written crash-safely; the volume appears at its final
 * name only when complete (its directory is renamed into place). Attachments are not recorded but read
 * from the kernel each time, so they are rediscovered after a restart.
 */
package io.unibloc.blockstore.volumes;
