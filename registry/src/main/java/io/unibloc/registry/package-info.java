/**
 * The registry module: everything unibloc knows about OCI images before they reach a disk — references and
 * digests ({@code ref}), credentials from docker {@code config.json} ({@code auth}), the OCI distribution client
 * ({@code client}), manifests, indexes and platform selection ({@code manifest}) and tag → digest pinning
 * ({@code pin}). Free of Kubernetes and of the block store, so that the operator and the CSI controller can pin
 * images without the engine, and the engine pulls through the same code. Errors are {@link
 * io.unibloc.registry.RegistryException}s.
 */
package io.unibloc.registry;
