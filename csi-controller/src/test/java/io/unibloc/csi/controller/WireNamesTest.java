package io.unibloc.csi.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.blockstore.WriteMode;
import io.unibloc.csi.common.CsiNames;
import org.junit.jupiter.api.Test;

/** The write-mode name is defined in blockstore too (which cannot see api); both must name the same key. */
class WireNamesTest {
    @Test
    void writeModeKeyIsTheClaimAnnotationAndTheStorageClassParameter() {
        assertThat(WriteMode.KEY).isEqualTo(ClaimAnnotations.WRITE_MODE).isEqualTo("unibloc.io/write-mode");
        assertThat(CsiNames.PARAM_WRITE_MODE).isEqualTo(ClaimAnnotations.WRITE_MODE);
        assertThat(CsiNames.ALLOWED_PARAMETERS).contains(ClaimAnnotations.WRITE_MODE);
    }
}
