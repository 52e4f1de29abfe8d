/** Node-local topology: which nodes run a store (their NodeStore reports), node choice and capacity per node segment. */
package io.unibloc.csi.controller.topology;
