/**
 * Tag → digest resolution for the reconcilers. {@link io.unibloc.operator.pin.ImagePinner} is the
 * operator's own seam (production: the block store's registry client); {@link io.unibloc.operator.pin.PinCache}
 * runs pins on its own threads, reuses results for a TTL, backs off per image after failures, and wakes
 * the waiting resources when a pin finishes, so that no reconcile ever waits on a registry.
 */
package io.unibloc.operator.pin;
