package io.unibloc.sandbox.volume;

import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ext2/3/4 through {@code debugfs}, which opens the filesystem image directly. {@code debugfs} reports
 * most failures on stderr with exit status 0, so every operation is checked by looking at the result
 * ({@code stat} of what should now exist) rather than at the status.
 */
public final class ExtFiles implements VolumeFiles {

    private static final int MAX_SYMLINKS = 16;
    private static final Pattern TYPE = Pattern.compile("Type: (\\S+)");
    private static final Pattern SIZE = Pattern.compile("Size: (\\d+)");
    private static final Pattern MODE = Pattern.compile("Mode: +(\\d+)");
    /**
     * debugfs pipes some output through a pager when it thinks a person is watching. {@code UNIX_IO_NOZEROOUT}: a
     * block libext2fs zeroes is written as zeros, not punched out of a file with fallocate, so in a sparse copy of
     * the metadata every block debugfs touched is data (the overlay projection finds them that way).
     */
    private static final Map<String, String> ENV =
            Map.of("DEBUGFS_PAGER", "__none__", "PAGER", "cat", "UNIX_IO_NOZEROOUT", "1");

    /** How debugfs -f echoes a stat request before answering it. */
    private static final String STAT_ECHO = "debugfs: stat ";

    private static final Pattern FAST_LINK = Pattern.compile("Fast link dest: \"(.*)\"");

    private final ProcessRunner runner;
    private final Path scriptDir;

    /**
     * @param scriptDir where debugfs command files go, under fixed names: the boot's or the projection's own work
     *     directory (one launcher per guest owns it), so the start path pays no {@code SecureRandom} seeding for a
     *     temporary name and leaves nothing in {@code /tmp}
     */
    public ExtFiles(ProcessRunner runner, Path scriptDir) {
        this.runner = runner;
        this.scriptDir = scriptDir;
    }

    @Override
    public void extract(Path device, String pathInFs, Path out) throws VolumeException {
        if (extractRegularFile(device, pathInFs, out)) {
            return;
        }
        String path = pathInFs;
        for (int hop = 0; hop <= MAX_SYMLINKS; hop++) {
            Inode inode = stat(device, path);
            if (inode == null) {
                throw new VolumeException(
                        describe(pathInFs, path) + " does not exist in the ext filesystem on " + device);
            }
            switch (inode.type()) {
                case "regular" -> {
                    dump(device, path, out, inode.size());
                    return;
                }
                case "symlink" -> path = resolve(path, linkTarget(device, path, inode, out));
                default ->
                    throw new VolumeException(describe(pathInFs, path) + " on " + device + " is a " + inode.type()
                            + ", not a regular file");
            }
        }
        throw new VolumeException(
                pathInFs + " on " + device + ": more than " + MAX_SYMLINKS + " symbolic links to follow");
    }

    @Override
    public void project(Path device, List<FileProjection> files) throws VolumeException {
        if (files.isEmpty()) {
            return;
        }
        for (FileProjection file : files) {
            ProjectionSources.check(file);
        }
        // debugfs's mkdir corrupts the filesystem when the directory already exists (it allocates an inode
        // before finding the name taken), so every path is looked at first and only what is missing is made.
        // One debugfs run looks at all of them: this is on every guest's start path, and each run costs a process.
        Set<String> looked = new LinkedHashSet<>();
        for (FileProjection file : files) {
            looked.addAll(ProjectionSources.parents(file.target()));
            looked.add(file.target());
        }
        Map<String, Inode> before = statAll(device, looked);
        Set<String> missingDirectories = new LinkedHashSet<>();
        Set<String> existingDirectories = new HashSet<>();
        Set<String> replaced = new HashSet<>();
        for (FileProjection file : files) {
            for (String parent : ProjectionSources.parents(file.target())) {
                if (missingDirectories.contains(parent) || existingDirectories.contains(parent)) {
                    continue;
                }
                Inode inode = before.get(parent);
                if (inode == null) {
                    missingDirectories.add(parent);
                } else if (inode.type().equals("directory")) {
                    existingDirectories.add(parent);
                } else {
                    throw new VolumeException("cannot project " + file.source() + " to " + file.target() + " on "
                            + device + ": " + parent + " is a " + inode.type() + ", not a directory");
                }
            }
            boolean parentMissing =
                    ProjectionSources.parents(file.target()).stream().anyMatch(missingDirectories::contains);
            Inode existing = parentMissing ? null : before.get(file.target());
            if (existing != null) {
                if (!existing.type().equals("regular") && !existing.type().equals("symlink")) {
                    throw new VolumeException("cannot project " + file.source() + " to " + file.target() + " on "
                            + device + ": a " + existing.type() + " is there");
                }
                replaced.add(file.target());
            }
        }
        StringBuilder script = new StringBuilder();
        missingDirectories.forEach(
                dir -> script.append("mkdir ").append(quote(dir)).append('\n'));
        for (FileProjection file : files) {
            String target = quote(file.target());
            if (replaced.contains(file.target())) {
                script.append("rm ").append(target).append('\n');
            }
            script.append("write ")
                    .append(quote(file.source()))
                    .append(' ')
                    .append(target)
                    .append('\n');
            script.append("set_inode_field ")
                    .append(target)
                    .append(" mode 0")
                    .append(Integer.toOctalString(0100000 | file.effectiveMode()))
                    .append('\n');
            script.append("set_inode_field ").append(target).append(" uid 0\n");
            script.append("set_inode_field ").append(target).append(" gid 0\n");
        }
        ToolResult written = runScript(device, script.toString());
        Map<String, Inode> after =
                statAll(device, files.stream().map(FileProjection::target).toList());
        for (FileProjection file : files) {
            Inode inode = after.get(file.target());
            long expectedSize = ProjectionSources.size(file);
            if (inode == null
                    || !inode.type().equals("regular")
                    || inode.size() != expectedSize
                    || inode.mode() != file.effectiveMode()) {
                throw new VolumeException("projecting " + file.source() + " to " + file.target() + " on " + device
                        + " failed (found " + (inode == null ? "nothing" : inode) + "); debugfs said: "
                        + written.stderr().strip().replace('\n', ' '));
            }
        }
    }

    private ToolResult runScript(Path device, String script) throws VolumeException {
        Path file = scriptDir.resolve("debugfs-write.cmd");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            ToolResult result = runner.run(debugfs(device, "-w", "-f", file.toString()), ENV);
            if (!result.ok()
                    || result.stderr().contains("Read-only file system")
                    || result.stderr().contains("Permission denied")) {
                throw new VolumeException(
                        "cannot write into the ext filesystem on " + device + ": " + result.describe());
            }
            return result;
        } catch (ToolException e) {
            throw new VolumeException("cannot write into the ext filesystem on " + device + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new VolumeException("cannot prepare debugfs commands for " + device + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(file);
        }
    }

    /**
     * The common case in one debugfs run instead of two (this is on every guest's start path): {@code stat} and
     * {@code dump} together, accepted when the stat says regular file and the dump has its size. Anything else (a
     * symbolic link, nothing there, a short dump) returns {@code false} with nothing left at {@code out}, and the
     * step-by-step path takes over, with its error messages.
     */
    private boolean extractRegularFile(Path device, String path, Path out) throws VolumeException {
        Path script = out.resolveSibling(out.getFileName() + ".debugfs");
        try {
            Files.deleteIfExists(out);
            Files.writeString(
                    script,
                    "stat " + quote(path) + "\ndump " + quote(path) + " " + quote(out.toString()) + "\n",
                    StandardCharsets.UTF_8);
            ToolResult result = runner.run(debugfs(device, "-f", script.toString()), ENV);
            Inode inode = parseStat(result);
            if (inode != null
                    && inode.type().equals("regular")
                    && Files.exists(out)
                    && Files.size(out) == inode.size()) {
                return true;
            }
            Files.deleteIfExists(out);
            return false;
        } catch (ToolException e) {
            throw new VolumeException("cannot read the ext filesystem on " + device + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new VolumeException(
                    "cannot read " + path + " out of " + device + " into " + out + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(script);
        }
    }

    /**
     * The inodes at {@code paths}, read in one debugfs run; a path with nothing there is absent from the map.
     * debugfs echoes each command ({@code debugfs: stat "PATH"}) before its output, which splits the output per path.
     */
    private Map<String, Inode> statAll(Path device, Collection<String> paths) throws VolumeException {
        List<String> ordered = List.copyOf(new LinkedHashSet<>(paths));
        StringBuilder script = new StringBuilder();
        ordered.forEach(path -> script.append("stat ").append(quote(path)).append('\n'));
        Path file = scriptDir.resolve("debugfs-stat.cmd");
        ToolResult result;
        try {
            Files.writeString(file, script.toString(), StandardCharsets.UTF_8);
            result = runner.run(debugfs(device, "-f", file.toString()), ENV);
        } catch (ToolException e) {
            throw new VolumeException("cannot read the ext filesystem on " + device + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new VolumeException("cannot prepare debugfs commands for " + device + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(file);
        }
        List<String> sections = new ArrayList<>();
        StringBuilder section = null;
        for (String line : result.stdout().split("\n", -1)) {
            if (line.startsWith(STAT_ECHO)) {
                section = new StringBuilder();
                sections.add(null);
            } else if (section != null) {
                section.append(line).append('\n');
                sections.set(sections.size() - 1, section.toString());
            }
        }
        if (sections.size() != ordered.size()) {
            throw new VolumeException("cannot read the ext filesystem on " + device + ": debugfs answered "
                    + sections.size() + " of " + ordered.size() + " stat requests: " + result.describe());
        }
        Map<String, Inode> inodes = new HashMap<>();
        boolean missing = false;
        for (int i = 0; i < ordered.size(); i++) {
            String text = sections.get(i);
            Inode inode = text == null ? null : parseStat(text);
            if (inode == null) {
                missing = true;
            } else {
                inodes.put(ordered.get(i), inode);
            }
        }
        // "not a directory": a path under a file, which the caller reports in its own words
        if (missing
                && !result.stderr().contains("not found")
                && !result.stderr().contains("inode is not a directory")) {
            throw new VolumeException("cannot read the ext filesystem on " + device + ": " + result.describe());
        }
        return inodes;
    }

    /** The inode at {@code path}, or {@code null} when nothing is there. */
    private Inode stat(Path device, String path) throws VolumeException {
        ToolResult result = debugfs(device, "stat " + quote(path));
        Inode inode = parseStat(result);
        if (inode == null
                && !result.stderr().contains("not found")
                && !result.stderr().contains("File not found")) {
            throw new VolumeException("cannot read the ext filesystem on " + device + ": " + result.describe());
        }
        return inode;
    }

    /** What a debugfs {@code stat} printed, or {@code null} when it printed no inode. */
    private static Inode parseStat(ToolResult result) {
        return parseStat(result.stdout());
    }

    private static Inode parseStat(String stdout) {
        Matcher type = TYPE.matcher(stdout);
        if (!type.find()) {
            return null;
        }
        Matcher size = SIZE.matcher(stdout);
        Matcher mode = MODE.matcher(stdout);
        Matcher link = FAST_LINK.matcher(stdout);
        return new Inode(
                type.group(1),
                size.find() ? Long.parseLong(size.group(1)) : -1,
                mode.find() ? Integer.parseInt(mode.group(1), 8) : -1,
                link.find() ? link.group(1) : null);
    }

    private String linkTarget(Path device, String path, Inode inode, Path scratchNextTo) throws VolumeException {
        if (inode.fastLink() != null) {
            return inode.fastLink();
        }
        // A long ("slow") symlink keeps its target in a data block, which dump writes out like file content.
        Path scratch = scratchNextTo.resolveSibling(scratchNextTo.getFileName() + ".link");
        try {
            dump(device, path, scratch, inode.size());
            return Files.readString(scratch, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VolumeException("cannot read symbolic link " + path + " on " + device + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    private void dump(Path device, String path, Path out, long expectedSize) throws VolumeException {
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new VolumeException("cannot replace " + out + ": " + e.getMessage(), e);
        }
        ToolResult result = debugfs(device, "dump " + quote(path) + " " + quote(out.toString()));
        long size;
        try {
            size = Files.exists(out) ? Files.size(out) : -1;
        } catch (IOException e) {
            size = -1;
        }
        if (size != expectedSize) {
            throw new VolumeException("reading " + path + " out of " + device + " gave " + size + " of " + expectedSize
                    + " bytes: " + result.describe());
        }
    }

    private ToolResult debugfs(Path device, String request) throws VolumeException {
        try {
            return runner.run(debugfs(device, "-R", request), ENV);
        } catch (ToolException e) {
            throw new VolumeException("cannot read the ext filesystem on " + device + ": " + e.getMessage(), e);
        }
    }

    /**
     * A debugfs command line. On a block device it reads and writes with direct I/O ({@code -D}): the guest's own
     * loop device should not keep the kernel, the initrd or the filesystem's metadata cached once the boot is
     * prepared (one copy per guest, unseen by the store's accounting). Files (the projection's sparse metadata
     * copy in scratch) are read through the cache: they are the launcher's own and deleted after use.
     */
    private static List<String> debugfs(Path device, String... options) {
        List<String> command = new ArrayList<>();
        command.add("debugfs");
        if (DeviceInfo.isBlockDevice(device)) {
            command.add("-D");
        }
        command.addAll(List.of(options));
        command.add(device.toString());
        return command;
    }

    /** debugfs splits its command line on blanks unless an argument is in double quotes. */
    static String quote(String argument) {
        if (argument.indexOf('"') >= 0) {
            throw new IllegalArgumentException("path contains a double quote, which debugfs cannot take: " + argument);
        }
        return "\"" + argument + "\"";
    }

    /** Resolves a link {@code target} found at {@code linkPath} to an absolute, normalised path. */
    static String resolve(String linkPath, String target) {
        String base = target.startsWith("/") ? target : linkPath.substring(0, linkPath.lastIndexOf('/') + 1) + target;
        List<String> parts = new ArrayList<>();
        for (String part : base.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String describe(String requested, String current) {
        return requested.equals(current) ? requested : requested + " (via symbolic links: " + current + ")";
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    private record Inode(String type, long size, int mode, String fastLink) {
        @Override
        public String toString() {
            return type + " of " + size + " bytes, mode 0" + Integer.toOctalString(mode);
        }
    }
}
