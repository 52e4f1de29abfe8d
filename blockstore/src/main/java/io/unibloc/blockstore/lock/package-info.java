/**
 * The engine's one keyed lock ({@link io.unibloc.blockstore.lock.KeyedLocks}): a chain, a volume or a blob is
 * held by one thread of one process at a time, through a JVM-wide permit and an fcntl lock on {@code
 * <key>.lock}, so a crashed holder never blocks anyone. Callers block, try, or wait a bounded time; whoever deletes
 * what a key guards removes its lock file while holding it ({@link io.unibloc.blockstore.lock.LockFiles} makes
 * that safe).
 */
package io.unibloc.blockstore.lock;
