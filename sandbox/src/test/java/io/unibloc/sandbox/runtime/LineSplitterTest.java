package io.unibloc.sandbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Console line splitting: terminators, spinners and output that never ends a line. */
class LineSplitterTest {

    private final List<String> lines = new ArrayList<>();

    private List<String> split(String input, int maxBytes) {
        LineSplitter splitter = new LineSplitter(lines::add, maxBytes);
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        splitter.feed(bytes, 0, bytes.length);
        splitter.finish();
        return lines;
    }

    static List<Arguments> cases() {
        return List.of(
                Arguments.of("lf", "one\ntwo\n", List.of("one", "two")),
                Arguments.of("crlf is one terminator", "one\r\ntwo\r\n", List.of("one", "two")),
                Arguments.of("bare cr ends a line", "10%\r20%\r30%\rdone\n", List.of("10%", "20%", "30%", "done")),
                Arguments.of("cr cr lf from onlcr is one terminator", "one\r\r\ntwo\n", List.of("one", "two")),
                Arguments.of("blank lines kept", "a\n\n\nb\n", List.of("a", "", "", "b")),
                Arguments.of("blank crlf lines kept", "a\r\n\r\nb\r\n", List.of("a", "", "b")),
                Arguments.of("lf cr is two terminators", "a\n\rb\n", List.of("a", "", "b")),
                Arguments.of("unterminated tail delivered", "one\ntail", List.of("one", "tail")),
                Arguments.of("nothing", "", List.of()),
                Arguments.of("multi-byte text intact", "grüße\r\n", List.of("grüße")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void splitsLines(String name, String input, List<String> expected) {
        assertThat(split(input, 1024)).containsExactlyElementsOf(expected);
    }

    @Test
    void crAndLfSplitAcrossReadsStayOneTerminator() {
        LineSplitter splitter = new LineSplitter(lines::add, 1024);
        byte[] first = "one\r".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "\ntwo\r".getBytes(StandardCharsets.US_ASCII);
        splitter.feed(first, 0, first.length);
        assertThat(lines).containsExactly("one");
        splitter.feed(second, 0, second.length);
        splitter.finish();
        assertThat(lines).containsExactly("one", "two");
    }

    @Test
    void feedsOnlyTheGivenRange() {
        byte[] bytes = "xxab\ncdyy".getBytes(StandardCharsets.US_ASCII);
        LineSplitter splitter = new LineSplitter(lines::add, 1024);
        splitter.feed(bytes, 2, 5);
        splitter.finish();
        assertThat(lines).containsExactly("ab", "cd");
    }

    @Test
    void aLineLongerThanTheCapIsHandedOnInPieces() {
        assertThat(split("abcdefghij\n", 4)).containsExactly("abcd", "efgh", "ij");
    }

    @Test
    void aLineOfExactlyTheCapIsOneLine() {
        assertThat(split("abcd\nefgh\r\nij", 4)).containsExactly("abcd", "efgh", "ij");
    }

    @Test
    void endlessOutputWithoutTerminatorsNeverHoldsMoreThanTheCap() {
        LineSplitter splitter = new LineSplitter(lines::add);
        byte[] garbage = new byte[8192];
        Arrays.fill(garbage, (byte) 0x01);
        long fed = 0;
        for (int i = 0; i < 1024; i++) { // 8 MiB of binary noise without a line end
            splitter.feed(garbage, 0, garbage.length);
            fed += garbage.length;
        }
        splitter.finish();
        assertThat(lines).hasSize((int) (fed / LineSplitter.DEFAULT_MAX_BYTES));
        assertThat(lines).allSatisfy(line -> assertThat(line).hasSize(LineSplitter.DEFAULT_MAX_BYTES));
    }

    @Test
    void rejectsANonPositiveCap() {
        assertThatThrownBy(() -> new LineSplitter(lines::add, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes");
    }
}
