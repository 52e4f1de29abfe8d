/** The CSI Identity service, the same for the controller and the node plugin apart from the capabilities they announce. */
package io.unibloc.csi.common.identity;
