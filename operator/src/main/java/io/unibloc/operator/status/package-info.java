/**
 * Status bookkeeping shared by the reconcilers: conditions that keep their transition time while
 * unchanged, and Kubernetes Events emitted when a condition or phase changes.
 */
package io.unibloc.operator.status;
