package io.gatehouse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Core's packages form a hierarchy: {@code io.gatehouse.error} and {@code config} at the bottom, the Redis
 * plumbing and {@code store} above them, the capabilities above those, and the composition root
 * {@link Gatehouse} on top. A cycle would mean two packages can only be understood, changed and tested
 * together.
 */
class PackageCyclesTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.gatehouse");

    @Test
    void noPackageOfCoreDependsOnOneThatDependsOnIt() {
        slices().matching("io.gatehouse.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void onlyTheCompositionRootDependsOnTheRootPackage() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.gatehouse")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.gatehouse")
                .because("io.gatehouse holds Gatehouse, which depends on every capability")
                .check(CORE);
    }
}
