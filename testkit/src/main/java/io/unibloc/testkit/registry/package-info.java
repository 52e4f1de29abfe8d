/**
 * A real OCI distribution registry for tests: {@link io.unibloc.testkit.registry.TestRegistry} runs Debian's
 * {@code docker-registry} binary on 127.0.0.1 with a free port and a throw-away storage directory, optionally behind
 * htpasswd basic auth; {@link io.unibloc.testkit.registry.RegistryPusher} pushes blobs and manifests to it over the
 * distribution API.
 *
 * <p>Everything here is a test fixture: failures are unchecked exceptions that name the registry, repository and
 * digest involved, so that a test can simply let them propagate.
 */
package io.unibloc.testkit.registry;
