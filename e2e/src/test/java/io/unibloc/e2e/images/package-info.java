/**
 * Smoke tests of the four container images, built by {@code scripts/build-images.sh} with podman from this build's
 * output (once per test JVM; podman's layer cache and the cached Debian bases keep re-runs short): the sandbox boots
 * the Linux test guest, csi-node serves CSI and stages a volume, operator and csi-controller fail clearly without a
 * cluster. Where podman is missing they are skipped with one line. Sizes and start-up figures are printed, not
 * asserted.
 */
package io.unibloc.e2e.images;
