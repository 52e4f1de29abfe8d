/**
 * The UnikernelPod reconciler and what it builds: the boot spec the sandbox reads, the Pod and the block-mode
 * root claim created before it ({@code RootClaims}), the revision that decides when a Pod must be replaced, and the
 * mapping from Pod and claim state back to phase and conditions.
 */
package io.unibloc.operator.pod;
