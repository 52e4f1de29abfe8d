/**
 * The engine's Micrometer meters, named in one place: chain build time per layer, chain cache hits and
 * misses, volume operation timers, and the store's shared versus exclusive bytes.
 */
package io.unibloc.blockstore.metrics;
