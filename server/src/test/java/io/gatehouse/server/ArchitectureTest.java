package io.gatehouse.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The server is a thin adapter over the core's API: it never reaches into core's Redis plumbing
 * ({@code io.gatehouse.redis}, internal) nor Lettuce, and it does not wire capabilities by hand.
 */
class ArchitectureTest {
    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.gatehouse.server");

    @Test
    void theServerNeverImportsLettuceOrCoresRedisPlumbing() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.server..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.lettuce..", "io.gatehouse.redis..", "io.gatehouse.backend.internal..")
                .because("Redis is core's business: the server uses io.gatehouse.Gatehouse and the capabilities")
                .check(SERVER);
    }

    @Test
    void theServerDoesNotBuildCapabilitiesByHand() {
        noClasses()
                .that()
                .resideInAPackage("io.gatehouse.server..")
                .should()
                .callMethod(io.gatehouse.token.TokenService.class, "builder")
                .orShould()
                .callMethod(io.gatehouse.session.SessionStore.class, "builder")
                .orShould()
                .callMethod(io.gatehouse.ratelimit.RateLimiter.class, "builder")
                .orShould()
                .callMethod(io.gatehouse.ratelimit.LoginGuard.class, "builder")
                .orShould()
                .callMethod(io.gatehouse.event.SecurityEvents.class, "builder")
                .orShould()
                .callMethod(io.gatehouse.backend.Stores.class, "open", io.gatehouse.config.GatehouseConfig.class)
                .because(
                        "Gatehouse.open wires them correctly together; a hand-built session store would not revoke tokens")
                .check(SERVER);
    }

    @Test
    void theRouteGroupsTakeTheCapabilitiesTheyUseNotTheWholeGatehouse() {
        noClasses()
                .that()
                .haveSimpleNameEndingWith("Routes")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(io.gatehouse.Gatehouse.class)
                .because("a route group's constructor shows what it depends on (issue #12)")
                .check(SERVER);
    }
}
