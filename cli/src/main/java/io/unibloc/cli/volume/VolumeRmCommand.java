package io.unibloc.cli.volume;

import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "rm",
        mixinStandardHelpOptions = true,
        description =
                "Delete volumes and free their storage. Refused while attached unless --force (which detaches first).")
public final class VolumeRmCommand extends StoreCommand {
    @Parameters(paramLabel = "NAME", arity = "1..*")
    java.util.List<String> names;

    @Option(
            names = {"-f", "--force"},
            description = "Detach first.")
    boolean force;

    @Override
    protected int call(StoreSession s) {
        for (String n : names) {
            if (force) {
                s.engine().detach(n);
            }
            s.engine().deleteVolume(n);
            out().println("removed " + n);
        }
        return 0;
    }
}
