/**
 * Layer chains: the block image of chain {@code L1..Ln} is a copy-on-write clone of chain
 * {@code L1..Ln-1}'s image with {@code Ln} applied. Built once per chain and node: single-flight under
 * threads and processes (the engine's one keyed lock, {@code lock.KeyedLocks}, files under {@code <store>/locks/}),
 * work under a temporary name, intent recorded before acting and healed at start-up, the final name is the chain
 * id and the image is sealed read-only. If the final name exists another writer won and the work is skipped.
 */
package io.unibloc.blockstore.chain;
