/** The cluster-scoped BlockVolume records: the controller's only state, read and written through the API server. */
package io.unibloc.csi.controller.records;
