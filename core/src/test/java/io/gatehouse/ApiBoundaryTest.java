package io.gatehouse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The boundary of core's public API (issue #12): no public or protected method, constructor or field of a
 * public class in an API package takes, returns or holds a type of the internal Redis plumbing
 * ({@code io.gatehouse.redis}) or of Lettuce, including as a type argument ({@code Optional<RedisConnector>}).
 * Internal packages ({@code io.gatehouse.redis}, {@code *.internal}) are not API. This rule, not a module
 * descriptor, is what keeps the boundary (docs/LIBRARY.md says why).
 */
class ApiBoundaryTest {
    private static final String[] INTERNAL = {"io.gatehouse.redis..", "..internal.."};
    private static final String[] FORBIDDEN = {"io.gatehouse.redis", "io.lettuce"};

    private static final ArchRule NO_REDIS_IN_THE_API = classes()
            .that()
            .resideInAPackage("io.gatehouse..")
            .and()
            .resideOutsideOfPackages(INTERNAL)
            .and()
            .arePublic()
            .should(exposeNoInternalType())
            .because("applications reach Redis through Stores and the capabilities, never through core's plumbing");

    @Test
    void noPublicMemberOfAnApiPackageTakesOrReturnsARedisOrLettuceType() {
        NO_REDIS_IN_THE_API.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.gatehouse"));
    }

    @Test
    void theRuleCatchesALeakInAReturnTypeArgumentAndAParameter() {
        JavaClasses leaky = new ClassFileImporter().importClasses(LeakyApi.class);
        assertThatThrownBy(() -> NO_REDIS_IN_THE_API.check(leaky))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LeakyApi.redis()")
                .hasMessageContaining("LeakyApi.use(java.util.List)")
                .hasMessageNotContaining("LeakyApi.<init>");
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("expose no type of io.gatehouse.redis or Lettuce in a public or protected member") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                if (!visibleOutsideItsPackage(c)) {
                    return;
                }
                List<JavaMember> members = new ArrayList<>(c.getMethods());
                members.addAll(c.getConstructors());
                members.addAll(c.getFields());
                for (JavaMember m : members) {
                    if (!api(m.getModifiers().contains(JavaModifier.PUBLIC), m)) {
                        continue;
                    }
                    for (JavaType t : involvedTypes(m)) {
                        for (JavaClass raw : t.getAllInvolvedRawTypes()) {
                            if (forbidden(raw)) {
                                events.add(SimpleConditionEvent.violated(
                                        m, m.getFullName() + " exposes " + raw.getName() + " (internal)"));
                            }
                        }
                    }
                }
            }
        };
    }

    private static boolean api(boolean isPublic, JavaMember m) {
        return (isPublic || m.getModifiers().contains(JavaModifier.PROTECTED))
                && !m.getName().startsWith("lambda$");
    }

    private static List<JavaType> involvedTypes(JavaMember m) {
        List<JavaType> types = new ArrayList<>();
        if (m instanceof JavaCodeUnit code) {
            types.add(code.getReturnType());
            types.addAll(code.getParameterTypes());
        } else if (m instanceof com.tngtech.archunit.core.domain.JavaField f) {
            types.add(f.getType());
        }
        return types;
    }

    /** Public, and so is every class that encloses it. */
    private static boolean visibleOutsideItsPackage(JavaClass c) {
        for (Optional<JavaClass> k = Optional.of(c); k.isPresent(); k = k.get().getEnclosingClass()) {
            if (!k.get().getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    private static boolean forbidden(JavaClass type) {
        for (String prefix : FORBIDDEN) {
            if (type.getPackageName().equals(prefix) || type.getPackageName().startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }
}
