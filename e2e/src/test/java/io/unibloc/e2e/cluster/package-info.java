/**
 * The cluster end-to-end suite: the real images on a real Kubernetes (k3s in a container, through Testcontainers),
 * installed with the chart through helm-java, running one UnikernelPod from a registry to a guest console line and
 * back to nothing.
 *
 * <p>It needs a container engine (Docker or Podman with its Docker API socket) and, for the first run, the network
 * to pull k3s, the registry and the CSI sidecar images. Without an engine it skips at once with one line saying so
 * and touches nothing: {@link io.unibloc.e2e.cluster.ContainerEngine} only looks for a socket or a configured host
 * and never asks Testcontainers, which would start probing and downloading.
 */
package io.unibloc.e2e.cluster;
