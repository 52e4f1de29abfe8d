/** {@code unibloc df} and {@code unibloc gc}: the store as a whole. */
package io.unibloc.cli.store;
