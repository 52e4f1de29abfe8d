package io.unibloc.sandbox.runtime;

import java.io.PrintStream;

/** Receives the guest's console output, one line at a time, without the line terminator. */
@FunctionalInterface
public interface Console {

    /**
     * Called from a single pump thread, in order. An exception thrown here is logged and the line dropped;
     * the guest keeps running.
     */
    void line(String line);

    /** Prints each line to {@code out} and flushes, so the console appears as the guest writes it. */
    static Console printingTo(PrintStream out) {
        return line -> {
            out.println(line);
            out.flush();
        };
    }

    /** Standard output: what the sandbox container and {@code unibloc run} use. */
    static Console stdout() {
        return printingTo(System.out);
    }
}
