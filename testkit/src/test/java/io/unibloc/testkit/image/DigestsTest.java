package io.unibloc.testkit.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestsTest {

    // FIPS 180-2 / well-known test vectors.
    @ParameterizedTest(name = "sha256(\"{0}\")")
    @CsvSource(
            value = {
                "'', e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "abc, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq,"
                        + " 248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            })
    void sha256MatchesKnownVectors(String input, String hex) {
        assertThat(Digests.sha256(input.getBytes(StandardCharsets.US_ASCII))).isEqualTo("sha256:" + hex);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sha256:abc",
                "sha512:" + "a",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
            })
    void hexRejectsMalformedDigests(String digest) {
        assertThatThrownBy(() -> Digests.hex(digest))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(digest);
    }

    @org.junit.jupiter.api.Test
    void hexStripsTheAlgorithm() {
        String digest = Digests.sha256(new byte[] {1, 2, 3});
        assertThat(Digests.hex(digest)).hasSize(64).isEqualTo(digest.substring(7));
    }
}
