/** Checks of CSI request fields both components share: volume capabilities (raw block, single node). */
package io.unibloc.csi.common.validate;
