/**
 * {@code unibloc bench}: the block store measured against the naive and full-copy ways, side by side; node density
 * (page cache and store reads of N host readers, and of N booted guests, of one image); HTTP to a guest.
 */
package io.unibloc.cli.bench;
