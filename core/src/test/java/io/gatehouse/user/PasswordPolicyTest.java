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
        assertThat(policy.check("12345678")).isEmpty();
        assertThat(policy.check("\uD83D\uDD11".repeat(8))).as("8 emoji are 8 characters, 16 chars").isEmpty();
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
    void isConfigurableButNeverBelowEight() {
        PasswordPolicy twelve = PasswordPolicy.fromConfig(GatehouseConfig.builder()
                .set(PasswordPolicy.MIN_LENGTH_KEY, "12").build());
        assertThat(twelve.check("elevenchars")).isPresent();
        assertThatThrownBy(() -> PasswordPolicy.fromConfig(GatehouseConfig.builder()
                .set(PasswordPolicy.MIN_LENGTH_KEY, "6").build()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(PasswordPolicy.MIN_LENGTH_KEY);
    }
}
