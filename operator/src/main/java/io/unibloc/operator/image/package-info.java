/**
 * The UnikernelImage reconciler: pins the image, counts the nodes that the spec selects and that run the
 * unibloc node plugin (a {@code NodeStore}), and how many of them report the image prepared. The node
 * plugins do the preparing; this side only aggregates.
 */
package io.unibloc.operator.image;
