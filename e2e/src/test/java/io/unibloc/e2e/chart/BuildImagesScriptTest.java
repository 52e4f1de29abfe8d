package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/build-images.sh explains itself and exits non-zero where no engine exists, and drives whichever engine
 * exists with the right Dockerfile, context and build output folder. Engines are faked by scripts on a private PATH.
 */
class BuildImagesScriptTest {
    private static final Path SCRIPT = RepositoryLayout.locate().root().resolve("scripts/build-images.sh");

    @TempDir
    Path bin;

    private final List<Process> started = new ArrayList<>();
    private Path bash;

    /** A PATH with only the few tools the script needs besides an engine, as small wrapper scripts. */
    @BeforeEach
    void basicTools() throws IOException {
        bash = tool("bash");
        for (String name : List.of("dirname", "sed", "cat", "sort", "sha256sum", "cut", "grep", "id", "mktemp", "rm")) {
            executable(bin.resolve(name), "exec " + tool(name) + " \"$@\"\n");
        }
    }

    private static Path tool(String name) {
        return List.of(Path.of("/usr/bin", name), Path.of("/bin", name)).stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + " on this machine"));
    }

    private void executable(Path file, String body) throws IOException {
        Files.writeString(file, "#!" + bash + "\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stopLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void withoutAnyEngineItSaysSoAndExitsTwo() throws Exception {
        Result result = run("--skip-maven");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.stderr()).contains("no container engine found", "docker, podman and buildah");
    }

    @Test
    void aNamedEngineThatDoesNotAnswerIsReported() throws Exception {
        fakeEngine("podman", 1);

        Result result = run("--engine", "podman", "--skip-maven");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.stderr()).contains("podman is not installed or cannot reach");
    }

    @Test
    void missingBuildOutputNamesTheModuleToBuild() throws Exception {
        fakeEngine("docker", 0);

        Result result = run("--skip-maven", "--target", "target-never-built", "csi-node");

        assertThat(result.code()).isEqualTo(3);
        assertThat(result.stderr()).contains("csi-node/target-never-built/csi-node.jar is missing", "-pl csi-node");
    }

    @Test
    void dryRunShowsOneBuildPerImageFromTheRepositoryRoot() throws Exception {
        Result result = run(
                "--dry-run",
                "--engine",
                "podman",
                "--tag",
                "9.9.9",
                "--target",
                "target-x",
                "operator",
                "csi-controller",
                "csi-node");

        assertThat(result.code()).as(result.stderr()).isZero();
        assertThat(result.stdout())
                .contains("./mvnw -B -q -Dunibloc.target=target-x -pl operator,csi-controller,csi-node -am package");
        for (String image : List.of("operator", "csi-controller", "csi-node")) {
            assertThat(result.stdout())
                    .containsPattern(
                            "podman build -f src/main/docker/" + image + "/Dockerfile --ignorefile src/main/docker/"
                                    + image + "/Dockerfile.dockerignore( --ulimit \\S+)* --build-arg TARGET=target-x"
                                    + " -t docker.io/unibloc/" + image + ":9.9.9 -t localhost/unibloc/" + image
                                    + ":9.9.9 \\.\n");
        }
    }

    /** podman cannot raise nofile/nproc without CAP_SYS_RESOURCE; the script hands it the hard limits it has. */
    @Test
    void podmanGetsTheHardLimitsAsUlimitFlags() throws Exception {
        Result result = run("--dry-run", "--engine", "podman", "--skip-maven", "csi-node");

        assertThat(result.code()).as(result.stderr()).isZero();
        assertThat(result.stdout()).containsPattern("--ulimit nofile=(\\d+):\\1");
        Matcher nproc = Pattern.compile("--ulimit nproc=(\\d+):(\\d+)").matcher(result.stdout());
        assertThat(nproc.find()).as(result.stdout()).isTrue();
        assertThat(nproc.group(1)).isEqualTo(nproc.group(2));
        assertThat(Long.parseLong(nproc.group(1)))
                .as("an nproc podman accepts here")
                .isBetween(1L, 4096L);
    }

    @Test
    void baseImagesAndEngineFlagsReachEveryBuild() throws Exception {
        Result result = run(
                "--dry-run",
                "--engine",
                "docker",
                "--skip-maven",
                "--jdk-image",
                "debian-jdk:17",
                "--base-image",
                "mirror.local/debian:bookworm-slim",
                "--engine-flag=--network=host",
                "operator",
                "sandbox");

        assertThat(result.code()).as(result.stderr()).isZero();
        for (String image : List.of("operator", "sandbox")) {
            assertThat(result.stdout())
                    .contains("docker build -f src/main/docker/" + image + "/Dockerfile --network=host"
                            + " --build-arg TARGET=target --build-arg JDK_IMAGE=debian-jdk:17"
                            + " --build-arg BASE_IMAGE=mirror.local/debian:bookworm-slim -t docker.io/unibloc/" + image
                            + ":0.1.0 .");
        }
    }

    @Test
    void aPrefixWithARegistryHostIsTheOnlyName() throws Exception {
        Result result = run(
                "--dry-run",
                "--engine",
                "podman",
                "--skip-maven",
                "--prefix",
                "registry.example.com/unibloc/",
                "csi-node");

        assertThat(result.code()).as(result.stderr()).isZero();
        assertThat(result.stdout())
                .contains("-t registry.example.com/unibloc/csi-node:0.1.0 .")
                .doesNotContain("docker.io/", "localhost/");
    }

    @Test
    void basesFromDebianAreMadeWithMmdebstrapFromTheGivenSourcesAndKeyedByThem() throws Exception {
        Path sources = bin.resolveSibling(bin.getFileName() + "-debian.sources");
        Files.writeString(sources, "deb http://deb.debian.org/debian bookworm main\n");
        Path cache = bin.resolveSibling(bin.getFileName() + "-cache");
        try {
            Result first = run(
                    "--dry-run",
                    "--engine",
                    "podman",
                    "--skip-maven",
                    "--base-from-debian",
                    "--debian-sources",
                    sources.toString(),
                    "--base-cache",
                    cache.toString(),
                    "csi-node",
                    "operator");
            Files.writeString(sources, "deb http://mirror.example/debian bookworm main\n");
            Result second = run(
                    "--dry-run",
                    "--engine",
                    "podman",
                    "--skip-maven",
                    "--base-from-debian",
                    "--debian-sources",
                    sources.toString(),
                    "--base-cache",
                    cache.toString(),
                    "csi-node");

            assertThat(first.code()).as(first.stderr()).isZero();
            assertThat(first.stdout())
                    .contains(
                            "mmdebstrap ",
                            "--include=openjdk-17-jdk-headless,binutils",
                            "--include=e2fsprogs,xfsprogs,btrfs-progs,util-linux,mount,dosfstools,mtools,qemu-system-x86",
                            " bookworm " + cache + "/jdk-",
                            ".tar.partial " + sources);
            String tools = baseImage(first.stdout(), "csi-node");
            assertThat(tools).startsWith("localhost/unibloc-base/node:");
            assertThat(baseImage(first.stdout(), "operator")).startsWith("localhost/unibloc-base/minimal:");
            assertThat(first.stdout())
                    .contains(
                            "podman import -q --change 'ENV PATH=",
                            cache + "/node-" + tools.substring(tools.indexOf(':') + 1) + ".tar " + tools);
            assertThat(baseImage(second.stdout(), "csi-node"))
                    .as("other sources, another cached base")
                    .isNotEqualTo(tools);
        } finally {
            Files.deleteIfExists(sources);
        }
    }

    @Test
    void basesOnlyMakesTheBasesAndBuildsNoImage() throws Exception {
        Path sources = bin.resolveSibling(bin.getFileName() + "-debian.sources");
        Files.writeString(sources, "deb http://deb.debian.org/debian bookworm main\n");
        try {
            Result result = run(
                    "--dry-run",
                    "--engine",
                    "podman",
                    "--base-from-debian",
                    "--bases-only",
                    "--debian-sources",
                    sources.toString(),
                    "--base-cache",
                    bin.resolveSibling("cache").toString());

            assertThat(result.code()).as(result.stderr()).isZero();
            assertThat(result.stdout()).contains("mmdebstrap ").doesNotContain(" build ", "mvnw");
        } finally {
            Files.deleteIfExists(sources);
        }
    }

    @Test
    void basesOnlyWithoutDebianBasesIsABadUsage() throws Exception {
        Result result = run("--dry-run", "--bases-only");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.stderr()).contains("--bases-only needs --base-from-debian");
    }

    @Test
    void basesFromDebianAndAGivenBaseImageExcludeEachOther() throws Exception {
        Result result = run("--dry-run", "--base-from-debian", "--base-image", "debian:bookworm-slim");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.stderr()).contains("--base-from-debian makes the JDK and base images itself");
    }

    @Test
    void loadingIntoContainerdImportsEachImageIntoTheKubeletsNamespace() throws Exception {
        Result result = run(
                "--dry-run",
                "--engine",
                "podman",
                "--skip-maven",
                "--load",
                "containerd",
                "--containerd-address",
                "/run/k3s/containerd/containerd.sock",
                "csi-node",
                "sandbox");

        assertThat(result.code()).as(result.stderr()).isZero();
        for (String image : List.of("csi-node", "sandbox")) {
            assertThat(result.stdout())
                    .containsPattern(
                            "podman save -q --format docker-archive -o (\\S+) docker.io/unibloc/" + image
                                    + ":0.1.0\nctr --address /run/k3s/containerd/containerd.sock -n k8s.io images import \\1\n");
        }
    }

    @Test
    void anUnknownLoadTargetIsRejected() throws Exception {
        Result result = run("--dry-run", "--load", "kind");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.stderr()).contains("--load must be containerd or podman, not 'kind'");
    }

    /** The BASE_IMAGE build argument of one image's build command. */
    private static String baseImage(String dryRun, String image) {
        return dryRun.lines()
                .filter(l -> l.contains("build -f src/main/docker/" + image + "/Dockerfile"))
                .findFirst()
                .map(l -> l.replaceAll(".*--build-arg BASE_IMAGE=(\\S+).*", "$1"))
                .orElseThrow(() -> new AssertionError("no build of " + image + " in:\n" + dryRun));
    }

    @Test
    void unknownImageIsRejected() throws Exception {
        Result result = run("--dry-run", "kernel");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.stderr()).contains("unknown image 'kernel'");
    }

    private void fakeEngine(String name, int infoExitCode) throws IOException {
        executable(bin.resolve(name), "[ \"$1\" = info ] && exit " + infoExitCode + "\nexit 0\n");
    }

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(bash.toString(), SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", bin.toString());
        Process process = builder.start();
        started.add(process);
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("build-images.sh " + String.join(" ", args) + " did not finish in 30 s");
        }
        return new Result(
                process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int code, String stdout, String stderr) {}
}
