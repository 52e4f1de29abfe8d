/** The CSI controller executable: wiring of the services, the Kubernetes client and the metrics endpoint. */
package io.unibloc.csi.controller;
