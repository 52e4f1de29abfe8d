/**
 * Value types nested in a {@code UnikernelPod}'s spec and status: root filesystem, projected files,
 * timings, and the closed sets (VMM, machine, guest, filesystem type, restart policy, phase) that the
 * CRD schema enumerates so that the API server rejects unknown values.
 */
package io.unibloc.api.v1alpha1.pod;
