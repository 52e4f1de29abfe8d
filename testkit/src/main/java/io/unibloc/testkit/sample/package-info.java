/**
 * The demo's sample image: a Linux guest (the host's kernel, a tiny initramfs, busybox) with a hello app
 * in its own top layer, written as an OCI image layout so that nothing needs a registry or a download.
 */
package io.unibloc.testkit.sample;
