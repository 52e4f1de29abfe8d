package io.unibloc.cli.volume;

import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "detach", mixinStandardHelpOptions = true, description = "Detach a volume's block device. Idempotent.")
public final class VolumeDetachCommand extends StoreCommand {
    @Parameters(paramLabel = "NAME", arity = "1..*")
    java.util.List<String> names;

    @Override
    protected int call(StoreSession s) {
        names.forEach(n -> s.engine().detach(n));
        return 0;
    }
}
