package io.unibloc.cli.bench;

import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark volume creation, disk use and builds.")
public final class BenchCommand extends StoreCommand {
    @Override
    protected int call(StoreSession s) {
        throw new UnsupportedOperationException("not yet");
    }
}
