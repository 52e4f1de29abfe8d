/**
 * Tag → digest resolution for the reconcilers, through the registry module's {@link
 * io.unibloc.registry.pin.ImagePinner} (the same pinner and platform selection as the CSI controller); {@link
 * io.unibloc.operator.pin.PinCache} runs pins on its own threads, reuses results for a TTL, backs off per image
 * after failures, and wakes the waiting resources when a pin finishes, so that no reconcile ever waits on a
 * registry.
 */
package io.unibloc.operator.pin;
