/**
 * Running the host tools the sandbox relies on ({@code debugfs}, {@code mtools}, {@code blkid}) as child
 * processes with a timeout, capturing their output so that failures can name the command and what it said.
 */
package io.unibloc.sandbox.tool;
