package io.unibloc.blockstore.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.registry.ref.Digest;
import io.unibloc.types.FsType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainIdTest {
    private static final Digest A = Digest.sha256("a".repeat(64));
    private static final Digest B = Digest.sha256("b".repeat(64));
    private static final Digest C = Digest.sha256("c".repeat(64));

    @Test
    void computesTheOciChainId() {
        // The image spec's ChainID(L0) = DiffID(L0), ChainID(L0|L1) = sha256(ChainID(L0) + " " + DiffID(L1)).
        // Expected values worked out apart from the code, with coreutils:
        //   printf '%s %s' sha256:aaa...a sha256:bbb...b | sha256sum
        //   printf '%s %s' sha256:<that> sha256:ccc...c | sha256sum
        assertThat(ChainId.ociChainId(List.of(A))).isEqualTo(A);
        assertThat(ChainId.ociChainId(List.of(A, B)).hex())
                .isEqualTo("ccd722928bd92476ba1745586fed6e45a102504185ad88cd89e01ff116fd146c");
        assertThat(ChainId.ociChainId(List.of(A, B, C)).hex())
                .isEqualTo("c1377126441fb2f5ec2c21ae2a60255331d639e830f0ee1b40a36e52d4c40588");
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
