/** {@code unibloc image pull|build|ls|rm}: images in the store. */
package io.unibloc.cli.image;
