/**
 * gRPC plumbing: servers and channels on UNIX domain sockets, and the one interceptor that logs every
 * call with its code and duration, records it as a metric and turns every failure into a proper status
 * (never UNKNOWN) through {@link io.unibloc.csi.common.grpc.StatusMapping}, the only place that maps
 * errors to gRPC codes.
 */
package io.unibloc.csi.common.grpc;
