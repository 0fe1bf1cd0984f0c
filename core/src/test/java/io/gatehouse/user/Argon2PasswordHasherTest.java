package io.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class Argon2PasswordHasherTest {
    private final PasswordHasher cheap = PasswordHasher.argon2(TestDatabases.cheap());

    @Test
    void theDefaultsAreOwaspsArgon2idParameters() {
        PasswordHasher owasp = PasswordHasher.argon2(
                Argon2Parameters.fromConfig(GatehouseConfig.builder().build()));
        String hash = owasp.hash("correct horse battery");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(owasp.verify("correct horse battery", hash)).isEqualTo(new PasswordHasher.Verification(true, false));
        assertThat(owasp.verify("correct horse batterY", hash).matches()).isFalse();
    }

    @Test
    void saltsEveryHash() {
        assertThat(cheap.hash("same password")).isNotEqualTo(cheap.hash("same password"));
    }

    @Test
    void aHashWithOtherParametersVerifiesAndAsksForARehash() {
        String old = cheap.hash("correct horse battery");
        PasswordHasher stronger = PasswordHasher.argon2(new Argon2Parameters(512, 2, 1, 32, 16));
        assertThat(stronger.verify("correct horse battery", old))
                .isEqualTo(new PasswordHasher.Verification(true, true));
        assertThat(stronger.verify("wrong", old)).isEqualTo(new PasswordHasher.Verification(false, false));
        PasswordHasher longerSalt = PasswordHasher.argon2(new Argon2Parameters(256, 1, 1, 32, 32));
        assertThat(longerSalt.verify("correct horse battery", old).needsRehash())
                .isTrue();
    }

    @Test
    void malformedHashesMatchNothingAndThrowNothing() {
        for (String bad :
                new String[] {"", "plain", "$argon2id$", "$argon2id$v=19$m=x,t=1,p=1$abc$def", "$2a$10$bcrypt"}) {
            assertThat(cheap.verify("whatever", bad).matches()).as(bad).isFalse();
        }
    }

    @Test
    void passwordsAreComparedInNfkc() {
        // U+FB01 LATIN SMALL LIGATURE FI is "fi" under NFKC; the same password typed on another keyboard.
        String hash = cheap.hash("o\uFB03ce password");
        assertThat(cheap.verify("office password", hash).matches()).isTrue();
    }

    @Test
    void configuredParametersAreValidatedWithTheKeyNamed() {
        GatehouseConfig bad = GatehouseConfig.builder()
                .set("gatehouse.password.argon2.iterations", "0")
                .build();
        Assertions.assertThatThrownBy(() -> Argon2Parameters.fromConfig(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gatehouse.password.argon2.iterations");
        GatehouseConfig custom = GatehouseConfig.builder()
                .set("gatehouse.password.argon2.memory-kib", "1024")
                .set("gatehouse.password.argon2.iterations", "3")
                .build();
        assertThat(Argon2Parameters.fromConfig(custom)).isEqualTo(new Argon2Parameters(1024, 3, 1, 32, 16));
    }
}
