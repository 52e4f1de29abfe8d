/**
 * The CSI Controller service at the gRPC edge: validation of every request (INVALID_ARGUMENT naming the
 * field) before anything else, then delegation to provisioning, records and topology.
 */
package io.unibloc.csi.controller.service;
