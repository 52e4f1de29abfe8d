/**
 * The OCI distribution client: manifests by tag or digest, tag → digest resolution, bearer-token and basic auth,
 * mirrors, retries with back-off, and resumable blob downloads verified while they stream into a {@link
 * io.unibloc.registry.client.BlobSink} (the engine's content store, or memory for small blobs).
 */
package io.unibloc.registry.client;
