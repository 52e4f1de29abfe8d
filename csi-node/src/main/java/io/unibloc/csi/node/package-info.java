/** The CSI node plugin executable: wiring of the store, the services, the reconcilers, the device plugin and the metrics endpoint. */
package io.unibloc.csi.node;
