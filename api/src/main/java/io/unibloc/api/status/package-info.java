/**
 * How every unibloc component writes status: a JSON merge patch (RFC 7386) to the status subresource, never a
 * JSON patch computed from an object that may not match what the server stores, never status on create; and the
 * one builder of status conditions ({@link io.unibloc.api.status.Conditions}), used by the operator and the node
 * plugin alike.
 */
package io.unibloc.api.status;
