package io.unibloc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code unibloc} in-process and keeps what it printed. */
record CliHarness(int exit, String out, String err) {
    static CliHarness run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliHarness(code, out.toString(), err.toString());
    }
}
