package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfiles copy what the modules build (and nothing their .dockerignore hides), and agree with the chart on
 * the user they run as and the ports they serve. No container engine is needed: the files are read as text.
 */
class DockerfilesTest {
    private static final RepositoryLayout REPO = RepositoryLayout.locate();
    private static final Pattern COPY_FROM_CONTEXT = Pattern.compile("(?m)^COPY\\s+(?!--from)(\\S+)\\s+\\S+\\s*$");
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\d+):(\\d+)\\s*$");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)\\s*$");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"operator", "csi-controller", "csi-node"})
    void copiesOnlyWhatItsModuleBuildsAndItsIgnoreFileLetsThrough(String image) throws IOException {
        String dockerfile = dockerfile(image);
        List<String> sources = copySources(dockerfile);
        List<PathMatcher> allowed = allowList(image);

        assertThat(sources).as("COPY sources of %s", image).isNotEmpty();
        for (String source : sources) {
            String path = source.replace("${TARGET}", "target");
            assertThat(path).as("%s copies from its own module", image).startsWith(image + "/target/");
            assertThat(REPO.root().resolve(image).resolve("pom.xml"))
                    .as("module %s", image)
                    .isRegularFile();
            assertThat(Files.readString(REPO.root().resolve(image).resolve("pom.xml")))
                    .as("artifactId of module %s", image)
                    .contains("<artifactId>" + image + "</artifactId>");
            String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            assertThat(allowed)
                    .as("%s's .dockerignore lets %s through", image, path)
                    .anyMatch(m -> m.matches(Path.of(trimmed)));
        }
        if (!image.equals("operator")) {
            assertThat(sources)
                    .as("plain-Java layout of %s", image)
                    .contains(image + "/${TARGET}/" + image + ".jar", image + "/${TARGET}/lib/");
        } else {
            assertThat(sources).containsExactly("operator/${TARGET}/quarkus-app/");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"operator", "csi-controller"})
    void unprivilegedImagesRunAsTheUidTheChartExpects(String image) throws IOException {
        Matcher user = USER.matcher(dockerfile(image));
        PodSpec pod = ChartSocketsTest.workload(HelmChart.inRepository().render(Values.defaults()), image);

        assertThat(user.find()).as("USER line in %s", image).isTrue();
        assertThat(Long.parseLong(user.group(1)))
                .isEqualTo(pod.getSecurityContext().getRunAsUser());
        assertThat(Long.parseLong(user.group(2)))
                .isEqualTo(pod.getSecurityContext().getRunAsGroup());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"operator", "csi-controller", "csi-node"})
    void exposedPortIsTheOneTheChartProbesAndScrapes(String image) throws IOException {
        Matcher expose = EXPOSE.matcher(dockerfile(image));
        Container container = ChartSocketsTest.container(
                ChartSocketsTest.workload(HelmChart.inRepository().render(Values.defaults()), image), image);

        assertThat(expose.find()).as("EXPOSE in %s", image).isTrue();
        assertThat(container.getPorts())
                .extracting(ContainerPort::getContainerPort)
                .contains(Integer.parseInt(expose.group(1)));
    }

    @org.junit.jupiter.api.Test
    void nodeImageHasTheStoreToolsAndRunsAsRootForThePrivilegedPlugin() throws IOException {
        String dockerfile = dockerfile("csi-node");

        assertThat(dockerfile)
                .contains(
                        "e2fsprogs",
                        "xfsprogs",
                        "btrfs-progs",
                        "util-linux",
                        "dosfstools",
                        "mtools",
                        "qemu-system-x86");
        assertThat(USER.matcher(dockerfile).find())
                .as("csi-node has no USER line (it must be root)")
                .isFalse();
        assertThat(dockerfile).as("the reason is written down").contains("privileged");
    }

    private static String dockerfile(String image) throws IOException {
        return Files.readString(REPO.dockerDir().resolve(image).resolve("Dockerfile"));
    }

    private static List<String> copySources(String dockerfile) {
        List<String> sources = new ArrayList<>();
        Matcher m = COPY_FROM_CONTEXT.matcher(dockerfile);
        while (m.find()) {
            sources.add(m.group(1));
        }
        return sources;
    }

    /** The "!" lines of a deny-all .dockerignore, as glob matchers on context-relative paths. */
    private static List<PathMatcher> allowList(String image) throws IOException {
        List<String> lines = Files.readAllLines(REPO.dockerDir().resolve(image).resolve("Dockerfile.dockerignore"));
        assertThat(lines).as("%s's .dockerignore starts from nothing", image).contains("*");
        return lines.stream()
                .filter(l -> l.startsWith("!"))
                .map(l -> l.substring(1))
                .map(l -> l.endsWith("/") ? l.substring(0, l.length() - 1) : l)
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .toList();
    }
}
