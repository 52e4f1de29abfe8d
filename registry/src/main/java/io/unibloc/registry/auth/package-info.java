/**
 * Registry credentials: the model ({@link io.unibloc.registry.auth.RegistryCredentials}, safe to log) and the one
 * parser of docker {@code config.json} documents, which is what Kubernetes pull secrets hold.
 */
package io.unibloc.registry.auth;
