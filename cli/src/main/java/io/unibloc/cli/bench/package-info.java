/** {@code unibloc bench}: the block store measured against the naive and full-copy ways, side by side. */
package io.unibloc.cli.bench;
