package io.unibloc.csispec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds expected protobuf encodings by hand, piece by piece, so a test reads like the wire
 * format: {@code tag(field, wireType)} then a length or a value.
 *
 * <p>Deliberately independent of protobuf-java: the expectations must come from the spec's
 * field numbers, not from the code under test.
 */
final class WireBytes {

    static final int VARINT = 0;
    static final int LEN = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static WireBytes wire() {
        return new WireBytes();
    }

    /** The key byte(s): (field_number << 3) | wire_type, as a varint. */
    WireBytes tag(int field, int wireType) {
        return varint(((long) field << 3) | wireType);
    }

    WireBytes varint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    /** Raw bytes written as hex, e.g. {@code "80 80 80 80 04"}. */
    WireBytes hex(String spacedHex) {
        byte[] b = HexFormat.of().parseHex(spacedHex.replace(" ", ""));
        out.write(b, 0, b.length);
        return this;
    }

    WireBytes ascii(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
        return this;
    }

    /** A length-delimited field holding a string. */
    WireBytes string(int field, String s) {
        return tag(field, LEN).varint(s.length()).ascii(s);
    }

    /** A length-delimited field holding already built bytes (a sub-message or map entry). */
    WireBytes message(int field, WireBytes body) {
        byte[] b = body.bytes();
        tag(field, LEN).varint(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /** A map<string,string> entry: an embedded message with key = 1 and value = 2. */
    WireBytes mapEntry(int field, String key, String value) {
        return message(field, wire().string(1, key).string(2, value));
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
