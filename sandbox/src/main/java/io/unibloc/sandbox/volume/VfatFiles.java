package io.unibloc.sandbox.volume;

import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FAT through {@code mtools}, which opens the filesystem image directly. FAT has no permissions, owners
 * or symbolic links: projected modes are ignored, and names are matched case-insensitively.
 */
public final class VfatFiles implements VolumeFiles {

    /** mtools refuses devices whose geometry looks unusual (a loop device) unless told not to check. */
    private static final Map<String, String> ENV = Map.of("MTOOLS_SKIP_CHECK", "1");

    private final ProcessRunner runner;

    public VfatFiles(ProcessRunner runner) {
        this.runner = runner;
    }

    @Override
    public void extract(Path device, String pathInFs, Path out) throws VolumeException {
        try {
            Files.deleteIfExists(out);
            ToolResult result = runner.run(
                    List.of("mcopy", "-n", "-o", "-i", device.toString(), "::" + pathInFs, out.toString()), ENV);
            if (!result.ok() || !Files.isRegularFile(out)) {
                String reason = result.stderr().contains("not found") ? "does not exist" : "cannot be read";
                throw new VolumeException(
                        pathInFs + " " + reason + " in the vfat filesystem on " + device + ": " + result.describe());
            }
        } catch (ToolException e) {
            throw new VolumeException("cannot read the vfat filesystem on " + device + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new VolumeException("cannot replace " + out + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void project(Path device, List<FileProjection> files) throws VolumeException {
        for (FileProjection file : files) {
            ProjectionSources.check(file);
        }
        Set<String> directories = new LinkedHashSet<>();
        for (FileProjection file : files) {
            directories.addAll(ProjectionSources.parents(file.target()));
        }
        try {
            StringBuilder mkdirErrors = new StringBuilder();
            for (String directory : directories) {
                // Fails harmlessly when the directory exists; a real failure shows up in mcopy below.
                ToolResult made = runner.run(List.of("mmd", "-i", device.toString(), "::" + directory), ENV);
                if (!made.ok()) {
                    mkdirErrors.append(' ').append(made.stderr().strip());
                }
            }
            for (FileProjection file : files) {
                ToolResult copied = runner.run(
                        List.of("mcopy", "-o", "-i", device.toString(), file.source(), "::" + file.target()), ENV);
                if (!copied.ok()) {
                    throw new VolumeException("projecting " + file.source() + " to " + file.target() + " on " + device
                            + " failed: " + copied.describe()
                            + (mkdirErrors.length() == 0 ? "" : " (mmd:" + mkdirErrors + ")"));
                }
            }
        } catch (ToolException e) {
            throw new VolumeException("cannot write into the vfat filesystem on " + device + ": " + e.getMessage(), e);
        }
    }
}
