package io.unibloc.e2e.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's boundary across modules (issue 18): callers use {@code BlockStore} and the few packages the engine
 * publishes, never its inside, and the operator does not depend on the engine at all. This module sees every
 * other module's main classes, so one rule covers them all. The CSI controller is off the engine too, and the
 * shared value types ({@code io.unibloc.types}) stay free of every other module.
 */
class EngineBoundaryTest {
    /**
     * What the engine publishes: {@code BlockStore} and its values, loop devices ({@code host}), the image fetcher
     * and content store the CLI shares with its store, the host tool runner and the mount table, and the page-cache
     * counter ({@code cache}) benchmarks share with the engine's accounting. The rest is the engine's inside.
     */
    private static final List<String> PUBLIC = List.of(
            "io.unibloc.blockstore",
            "io.unibloc.blockstore.host",
            "io.unibloc.blockstore.image",
            "io.unibloc.blockstore.content",
            "io.unibloc.blockstore.cache");

    private static final List<String> PUBLIC_CLASSES = List.of(
            "io.unibloc.blockstore.fs.Exec",
            "io.unibloc.blockstore.fs.Deadlines",
            "io.unibloc.blockstore.fs.MountTable");

    private final JavaClasses project = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.unibloc");

    private static final DescribedPredicate<JavaClass> ENGINE_INSIDE =
            new DescribedPredicate<>("the engine's inside (not its public packages)") {
                @Override
                public boolean test(JavaClass c) {
                    String name = c.getName();
                    String top = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
                    return c.getPackageName().startsWith("io.unibloc.blockstore")
                            && !PUBLIC.contains(c.getPackageName())
                            && !PUBLIC_CLASSES.contains(top);
                }
            };

    @Test
    void nobodyOutsideTheEngineTouchesItsInside() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.unibloc.blockstore..")
                .should()
                .dependOnClassesThat(ENGINE_INSIDE)
                .because("BlockStore is the engine's surface: callers open DefaultBlockStore and use the interface")
                .check(project);
    }

    @Test
    void nobodyOutsideTheEngineNeedsItsImplementationBeyondOpeningIt() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.unibloc.blockstore..")
                .should()
                .callMethodWhere(DescribedPredicate.describe(
                        "a DefaultBlockStore method other than open",
                        call -> call.getTargetOwner().getName().equals("io.unibloc.blockstore.DefaultBlockStore")
                                && !call.getName().equals("open")))
                .check(project);
    }

    @Test
    void theOperatorDoesNotDependOnTheEngine() {
        // The operator's classes are not on this module's class path (its dependency here only orders the
        // reactor); the reactor builds them first, so they are read from its output folder.
        Path operatorClasses = Path.of("..", "operator", "target", "classes");
        assertThat(operatorClasses)
                .as("the operator's classes, built before this module")
                .isDirectory();
        noClasses()
                .that()
                .resideInAPackage("io.unibloc.operator..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.unibloc.blockstore..")
                .because("the operator resolves tags with the registry module; the engine (JNA, loop devices) is"
                        + " the node's")
                .check(new ClassFileImporter().importPath(operatorClasses));
    }

    @Test
    void theCsiControllerAndTheCsiPlumbingDoNotDependOnTheEngine() {
        noClasses()
                .that()
                .resideInAnyPackage("io.unibloc.csi.controller..", "io.unibloc.csi.common..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.unibloc.blockstore..")
                .because("the controller pins with the registry module and provisions through BlockVolume objects;"
                        + " filesystems, write modes, the size rule and the error taxonomy are io.unibloc.types")
                .check(project);
    }

    @Test
    void theSharedTypesDependOnNoOtherModule() {
        noClasses()
                .that()
                .resideInAPackage("io.unibloc.types..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("io.unibloc.types..", "java..", "com.fasterxml.jackson.annotation..")
                .because("every module names these types, the sandbox and the engine included; they must pull in"
                        + " nothing")
                .check(project);
    }
}
