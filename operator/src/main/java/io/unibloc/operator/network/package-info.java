/**
 * How a guest joins its Pod's network, seen from the operator: the mode a Pod is made with ({@code auto} resolved,
 * with the fallback from tap to passt where Pod Security forbids NET_ADMIN), the parts of the Pod each mode needs
 * (ports, probes, the capability), the boot spec's network, and the checks of spec.network, spec.ports and probes.
 */
package io.unibloc.operator.network;
