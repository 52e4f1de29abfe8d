/** The node's NodeStore resource: store capacity and use, cached images, pre-warming readiness and KVM, refreshed periodically; also exported as gauges. */
package io.unibloc.csi.node.nodestore;
