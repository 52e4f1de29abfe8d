package io.unibloc.blockstore;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine stays free of Kubernetes, CSI/gRPC and Quarkus, so it runs embedded anywhere (CLI, node plugin). */
class EngineArchitectureTest {
    private final JavaClasses engine = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.unibloc.blockstore");

    @Test
    void engineNeverImportsKubernetesCsiGrpcOrQuarkus() {
        noClasses()
                .that()
                .resideInAPackage("io.unibloc.blockstore..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fabric8..",
                        "io.grpc..",
                        "csi..",
                        "com.google.protobuf..",
                        "io.quarkus..",
                        "io.unibloc.csi..",
                        "io.unibloc.api..",
                        "io.unibloc.deviceplugin..",
                        "io.unibloc.operator..")
                .because("the engine runs embedded in the CLI and the node plugin alike (docs/architecture.md)")
                .check(engine);
    }

    @Test
    void hostToolsAndLayersDoNotReachUpIntoTheEngine() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.unibloc.blockstore.fs..", "io.unibloc.blockstore.layers..", "io.unibloc.blockstore.cow..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.unibloc.blockstore.chain..",
                        "io.unibloc.blockstore.volumes..",
                        "io.unibloc.blockstore.gc..")
                .check(engine);
    }
}
