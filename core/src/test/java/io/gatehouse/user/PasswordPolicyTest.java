package io.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    private final PasswordPolicy policy = PasswordPolicy.defaults();

    @Test
    void lengthIsCountedInCodePointsBetweenEightAnd256() {
        assertThat(policy.check("1234567")).contains("must be at least 8 characters");
        assertThat(policy.check("k3#Lm9!q")).isEmpty();
        assertThat(policy.check("\uD83D\uDD11".repeat(8)))
                .as("8 emoji are 8 characters, 16 chars")
                .isEmpty();
        assertThat(policy.check("\uD83D\uDD11".repeat(7))).isPresent();
        assertThat(policy.check("x".repeat(256))).isEmpty();
        assertThat(policy.check("x".repeat(257))).contains("must be at most 256 characters");
    }

    @Test
    void spacesAndSymbolsAreWelcomeButNotOnlySpacesOrControlCharacters() {
        assertThat(policy.check("correct horse battery staple")).isEmpty();
        assertThat(policy.check("         ")).isPresent();
        assertThat(policy.check("abc\u0000defgh")).isPresent();
    }

    @Test
    void commonPasswordsAreRefused() {
        for (String common : new String[] {"password", "12345678", "PassWord1", "iloveyou", "qwertyuiop"}) {
            assertThat(policy.check(common)).as(common).get().asString().contains("most common passwords");
        }
        assertThat(policy.check("correct horse battery staple")).isEmpty();
        assertThat(CommonPasswords.bundled().size()).isGreaterThan(10_000);
    }

    @Test
    void theCommonPasswordListIsConfigurable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        PasswordPolicy none = PasswordPolicy.fromConfig(
                GatehouseConfig.builder().set(CommonPasswords.KEY, "none").build());
        assertThat(none.check("password")).isEmpty();
        java.nio.file.Path list = java.nio.file.Files.writeString(dir.resolve("list.txt"), "# ours\ngatehouse-rocks\n");
        PasswordPolicy own = PasswordPolicy.fromConfig(GatehouseConfig.builder()
                .set(CommonPasswords.KEY, list.toString())
                .build());
        assertThat(own.check("Gatehouse-Rocks")).isPresent();
        assertThat(own.check("password")).isEmpty();
        assertThatThrownBy(() -> PasswordPolicy.fromConfig(GatehouseConfig.builder()
                        .set(CommonPasswords.KEY, dir.resolve("missing").toString())
                        .build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(CommonPasswords.KEY);
    }

    @Test
    void isConfigurableButNeverBelowEight() {
        PasswordPolicy twelve = PasswordPolicy.fromConfig(GatehouseConfig.builder()
                .set(PasswordPolicy.MIN_LENGTH_KEY, "12")
                .build());
        assertThat(twelve.check("elevenchars")).isPresent();
        assertThatThrownBy(() -> PasswordPolicy.fromConfig(GatehouseConfig.builder()
                        .set(PasswordPolicy.MIN_LENGTH_KEY, "6")
                        .build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(PasswordPolicy.MIN_LENGTH_KEY);
    }
}
