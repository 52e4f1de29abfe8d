package io.unibloc.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of commands that work on the store: opens a session, runs, closes it; exit code from {@link #call(StoreSession)}. */
public abstract class StoreCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    protected StoreFactory factory() {
        return new StoreFactory();
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected GlobalOptions global() {
        return GlobalOptions.of(spec);
    }

    @Override
    public Integer call() throws Exception {
        try (StoreSession session = factory().open(global())) {
            return call(session);
        }
    }

    protected abstract int call(StoreSession session) throws Exception;
}
