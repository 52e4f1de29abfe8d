package io.unibloc.sandbox.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines for the console pump, with bounded memory.
 *
 * <p>A line ends at {@code \n}, {@code \r\n} or a bare {@code \r}: guests draw spinners and progress bars
 * with {@code \r} alone and would otherwise build one endless line. A {@code \r} repeated right after a
 * line end ({@code \r\r\n}, which a tty with onlcr produces from {@code \r\n}) gives no extra empty line.
 * A line longer than {@code maxBytes} (binary garbage, no terminator) is handed on in pieces of {@code
 * maxBytes}, so the pump never grows without bound and keeps draining the VMM's pipe.
 *
 * <p>Not thread-safe: one pump thread feeds it.
 */
final class LineSplitter {

    /** Long enough for any real console line, small enough to keep a few in memory per guest. */
    static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private final Consumer<String> sink;
    private final int maxBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** The last line ended with \r: a \n right after it belongs to the same terminator. */
    private boolean afterCr;

    LineSplitter(Consumer<String> sink, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.sink = sink;
        this.maxBytes = maxBytes;
    }

    LineSplitter(Consumer<String> sink) {
        this(sink, DEFAULT_MAX_BYTES);
    }

    /** Consumes {@code length} bytes of {@code buffer} from {@code offset}, handing on each finished line. */
    void feed(byte[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                if (!afterCr) {
                    emit();
                }
                afterCr = false;
            } else if (b == '\r') {
                if (!afterCr || line.size() > 0) {
                    emit();
                }
                afterCr = true;
            } else {
                afterCr = false;
                // split before appending, so a line of exactly maxBytes followed by its terminator stays one line
                if (line.size() >= maxBytes) {
                    emit();
                }
                line.write(b);
            }
        }
    }

    /** The stream ended: hands on an unterminated last line, if any. */
    void finish() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        sink.accept(text);
    }
}
