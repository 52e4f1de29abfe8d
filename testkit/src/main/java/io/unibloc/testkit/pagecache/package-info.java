/**
 * The host page cache of a file as util-linux and coreutils see it — {@code fincore} and {@code dd iflag=nocache}
 * — so that the store's own {@code mincore} figures are checked against an independent count, starting from an
 * emptied cache.
 */
package io.unibloc.testkit.pagecache;
