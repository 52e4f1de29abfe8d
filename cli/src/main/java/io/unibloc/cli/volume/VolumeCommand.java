package io.unibloc.cli.volume;

import picocli.CommandLine.Command;

@Command(
        name = "volume",
        mixinStandardHelpOptions = true,
        description = "Create, attach, detach, remove and list volumes (O(1) clones of an image's top chain).",
        subcommands = {
            VolumeCreateCommand.class,
            VolumeAttachCommand.class,
            VolumeDetachCommand.class,
            VolumeRmCommand.class,
            VolumeLsCommand.class
        })
public final class VolumeCommand {}
