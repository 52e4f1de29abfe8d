/**
 * CreateVolume behind the edge: the claim's image annotation, pinning tags to digests, choosing the node,
 * recording the BlockVolume and turning its status into an answer without holding the call for long.
 */
package io.unibloc.csi.controller.provision;
