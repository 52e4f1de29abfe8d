/** {@code unibloc volume create|attach|detach|rm|ls}: per-pod copy-on-write volumes. */
package io.unibloc.cli.volume;
