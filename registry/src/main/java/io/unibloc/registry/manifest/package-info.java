/**
 * OCI and Docker schema 2 documents: manifests, indexes, configs, media types, and the one platform selection
 * that picks an image out of an index (skipping attestation manifests).
 */
package io.unibloc.registry.manifest;
