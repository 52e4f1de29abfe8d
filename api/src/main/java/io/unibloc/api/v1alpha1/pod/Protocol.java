package io.unibloc.api.v1alpha1.pod;

/** Transport protocol of a guest port; the names are Kubernetes' container port protocols (SCTP is not carried). */
public enum Protocol {
    TCP,
    UDP
}
