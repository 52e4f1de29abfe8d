/**
 * Garbage collection: chains that a volume uses are roots and never evicted; other chains and blobs are
 * evicted least recently used first until they fit the budget; temporaries and orphans of crashed work are
 * swept.
 */
package io.unibloc.blockstore.gc;
