package io.unibloc.cli.image;

import picocli.CommandLine.Command;

@Command(
        name = "image",
        mixinStandardHelpOptions = true,
        description = "Pull, build, list and remove images.",
        subcommands = {ImagePullCommand.class, ImageBuildCommand.class, ImageLsCommand.class, ImageRmCommand.class})
public final class ImageCommand {}
