/**
 * Status bookkeeping shared by the reconcilers: status writes and Kubernetes Events emitted when a condition or
 * phase changes (the conditions themselves are built by the project's one builder, {@link
 * io.unibloc.api.status.Conditions}).
 */
package io.unibloc.operator.status;
