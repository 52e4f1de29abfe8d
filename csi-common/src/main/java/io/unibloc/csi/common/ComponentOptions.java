package io.unibloc.csi.common;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The command-line options both CSI components take the same way (a picocli mixin): the CSI socket, the API
 * server's kubeconfig and the registries spoken to over plain HTTP. The chart passes them alike to both; each
 * component keeps its own options beside them (the metrics port differs).
 */
public final class ComponentOptions {
    @Option(
            names = "--endpoint",
            defaultValue = "unix:///csi/csi.sock",
            description = "CSI socket (default: ${DEFAULT-VALUE})")
    String endpoint;

    @Option(
            names = "--kubeconfig",
            description = "kubeconfig file; default: in-cluster service account or ~/.kube/config")
    Path kubeconfig;

    @Option(names = "--insecure-registry", split = ",", description = "registry hosts spoken to over plain HTTP")
    List<String> insecureRegistries = List.of();

    /** The CSI socket, e.g. {@code unix:///csi/csi.sock}. */
    public String endpoint() {
        return endpoint;
    }

    /** The kubeconfig file, or null for the in-cluster service account (or {@code ~/.kube/config}). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Registry hosts spoken to over plain HTTP; empty by default. */
    public List<String> insecureRegistries() {
        return insecureRegistries;
    }
}
