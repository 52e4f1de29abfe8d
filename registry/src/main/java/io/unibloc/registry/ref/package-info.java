/** Image references ({@code registry/repository:tag@digest}, {@code oci:} layouts), content digests and SHA-256. */
package io.unibloc.registry.ref;
