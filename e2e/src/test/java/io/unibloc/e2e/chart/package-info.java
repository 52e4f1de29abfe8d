/**
 * Tests of the Helm chart {@code helm/unibloc} through the real Helm library (helm-java): lint, template with the
 * defaults and with named value variations, schema rejection of bad values, NOTES, and the CRDs the chart ships.
 * Every rendered object is parsed with fabric8 into its typed model and checked: API versions and kinds Kubernetes
 * knows, no field the model does not know, containers with image, resources and security context, selectors that
 * match, RBAC exactly as {@link io.unibloc.e2e.chart.ExpectedRbac} says the components need, and CSI sidecars that
 * point at the sockets the components listen on.
 *
 * <p>Also the delivery around the chart that needs no engine: the Dockerfiles (what they copy, the uid and ports
 * they agree on with the chart) and {@code scripts/build-images.sh} (driven with fake engines on a private PATH).
 *
 * <p>Nothing here needs a cluster or a container engine: {@code helm template} and a client-only dry-run install
 * are enough.
 */
package io.unibloc.e2e.chart;
