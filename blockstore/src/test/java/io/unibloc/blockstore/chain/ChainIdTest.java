package io.unibloc.blockstore.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.FsType;
import io.unibloc.registry.ref.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainIdTest {
    private static final Digest A = Digest.sha256("a".repeat(64));
    private static final Digest B = Digest.sha256("b".repeat(64));

    @Test
    void computesContainerdsChainId() {
        assertThat(ChainId.ociChainId(List.of(A))).isEqualTo(A);
        // sha256("sha256:aaa... sha256:bbb..."), as containerd's identity.ChainID computes it
        assertThat(ChainId.ociChainId(List.of(A, B)).hex())
                .isEqualTo(io.unibloc.blockstore.layers.TarFixture.sha256(
                        (A + " " + B).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void differsByLayersOrderAndFilesystem() {
        ChainId ab = ChainId.of(List.of(A, B), FsType.EXT4, "");
        assertThat(ab).isEqualTo(ChainId.of(List.of(A, B), FsType.EXT4, ""));
        assertThat(ab).isNotEqualTo(ChainId.of(List.of(B, A), FsType.EXT4, ""));
        assertThat(ab).isNotEqualTo(ChainId.of(List.of(A, B), FsType.EXT2, ""));
        assertThat(ab).isNotEqualTo(ChainId.of(List.of(A), FsType.EXT4, ""));
        assertThat(ChainId.of(List.of(A), FsType.RAW, "/a.img"))
                .isNotEqualTo(ChainId.of(List.of(A), FsType.RAW, "/b.img"));
        assertThat(ab.value()).matches("[a-f0-9]{64}");
    }
}
