/**
 * The OCI distribution client: image references, digests, credentials (docker {@code config.json},
 * what Kubernetes pull secrets hold), bearer-token and basic auth, mirrors, retries with back-off and
 * resumable, verified blob downloads into the content store.
 */
package io.unibloc.blockstore.registry;
