/**
 * The guest's side of the Pod network, set up inside the sandbox's (the Pod's) network namespace: {@link
 * io.unibloc.sandbox.net.PodNetworkReader} reads what the CNI plugin gave the Pod (eth0's addresses, MAC, MTU,
 * default gateway, DNS), and one data path connects the guest to it so that the guest answers on the Pod's own
 * address: {@link io.unibloc.sandbox.net.TapDataPath} (a tap mirrored to and from eth0 by TC redirects) or {@link
 * io.unibloc.sandbox.net.PasstDataPath} (passt, no privileges). {@link io.unibloc.sandbox.net.GuestNetworking}
 * picks the path and turns every failure into a {@link io.unibloc.sandbox.net.NetworkSetupException} whose one-line
 * message names the cause and the fix. Nothing here outlives the guest: each data path's attachment removes what it
 * made, and a new attachment first removes what a killed sandbox left behind.
 */
package io.unibloc.sandbox.net;
