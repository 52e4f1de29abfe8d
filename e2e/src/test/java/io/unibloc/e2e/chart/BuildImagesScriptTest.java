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
        for (String name : List.of("dirname", "sed", "cat")) {
            executable(bin.resolve(name), "exec " + tool(name) + " \"$@\"\n");
        }
    }

    private static Path tool(String name) {
        return List.of(Path.of("/usr/bin", name), Path.of("/bin", name)).stream()
                .filter(Files::isExecutable).findFirst()
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
        Result result = run("--dry-run", "--engine", "podman", "--tag", "9.9.9", "--target", "target-x",
                "operator", "csi-controller", "csi-node");

        assertThat(result.code()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("./mvnw -B -q -Dunibloc.target=target-x -pl operator,csi-controller,csi-node -am package");
        for (String image : List.of("operator", "csi-controller", "csi-node")) {
            assertThat(result.stdout()).contains("podman build -f src/main/docker/" + image + "/Dockerfile --ignorefile src/main/docker/"
                    + image + "/Dockerfile.dockerignore --build-arg TARGET=target-x -t unibloc/" + image + ":9.9.9 .");
        }
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
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int code, String stdout, String stderr) {
    }
}
