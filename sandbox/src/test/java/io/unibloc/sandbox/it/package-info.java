/**
 * Integration tests that boot real guests under QEMU (TCG) from real loop devices, plus their helpers.
 * Each Linux boot takes several seconds under TCG, so the boots are few and each checks several things.
 */
package io.unibloc.sandbox.it;
