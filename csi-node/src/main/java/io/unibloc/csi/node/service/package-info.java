/** The CSI Node service at the gRPC edge: request validation, then stage/publish through the block store and the publisher. */
package io.unibloc.csi.node.service;
