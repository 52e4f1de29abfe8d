package io.unibloc.csi.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.types.WriteMode;
import org.junit.jupiter.api.Test;

/** The write-mode key has one owner (io.unibloc.types.WriteMode); the claim annotation and the parameter are it. */
class WireNamesTest {
    @Test
    void writeModeKeyIsTheClaimAnnotationAndTheStorageClassParameter() {
        assertThat(WriteMode.KEY).isEqualTo(ClaimAnnotations.WRITE_MODE).isEqualTo("unibloc.io/write-mode");
        assertThat(CsiNames.PARAM_WRITE_MODE).isEqualTo(ClaimAnnotations.WRITE_MODE);
        assertThat(CsiNames.ALLOWED_PARAMETERS).contains(ClaimAnnotations.WRITE_MODE);
    }
}
