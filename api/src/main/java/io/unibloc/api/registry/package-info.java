/**
 * Registry credentials as Kubernetes stores them: docker-config Secrets, read the same way by the operator, the
 * CSI controller and the CSI node plugin.
 */
package io.unibloc.api.registry;
