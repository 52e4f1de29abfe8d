/**
 * The {@code unibloc.io/v1alpha1} custom resources: {@code UnikernelPod} and {@code UnikernelImage}
 * (namespaced, reconciled by the operator), {@code BlockVolume} and {@code NodeStore} (cluster-scoped,
 * written by the CSI components). The CRD YAML under {@code crds/} is generated from these classes at
 * build time; nested value types live in the sub-packages {@code pod} and {@code image}. Nothing here
 * depends on operator or CSI code.
 */
package io.unibloc.api.v1alpha1;
