package io.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ann@example.com",
                "Ann.Example+tag@sub.example.co.uk",
                "x@b.io",
                "jörg@müller.de",
                "o'brien@example.ie"
            })
    void acceptsOrdinaryAddresses(String email) {
        assertThat(EmailAddress.canonical(email)).isEqualTo(email);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "ann",
                "ann@",
                "@example.com",
                "ann@@example.com",
                "a@b@example.com",
                "ann@localhost",
                "ann example@example.com",
                "ann@exa mple.com",
                "ann@-example.com",
                "ann@example..com",
                ".ann@example.com",
                "ann.@example.com",
                "a..b@example.com",
                "ann@example.com\u0000",
                "ann\u200B@example.com",
                "ann@{tag}.com"
            })
    void refusesOthers(String email) {
        assertThatThrownBy(() -> EmailAddress.canonical(email)).isInstanceOf(InvalidUserInputException.class);
    }

    @Test
    void refusesOverlongAddresses() {
        assertThatThrownBy(() -> EmailAddress.canonical("a".repeat(65) + "@example.com"))
                .isInstanceOf(InvalidUserInputException.class);
        assertThatThrownBy(() -> EmailAddress.canonical("a@" + "b".repeat(60) + "." + "c".repeat(60) + "."
                        + "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(10) + ".com"))
                .isInstanceOf(InvalidUserInputException.class);
    }

    @Test
    void addressesWhoseKeyIsTooLongAreRefused() {
        // U+FDFA is one character that NFKC turns into 18: a 26-character address with a 264-character key.
        String email = "\uFDFA".repeat(14) + "@example.com";
        assertThat(EmailAddress.key(email).length()).isGreaterThan(EmailAddress.MAX_LENGTH);
        assertThatThrownBy(() -> EmailAddress.canonical(email)).isInstanceOf(InvalidUserInputException.class);
    }

    @Test
    void canonicalFormIsTrimmedNfcAndKeepsCase() {
        // "e" + COMBINING ACUTE ACCENT composes to "é" under NFC.
        assertThat(EmailAddress.canonical("  Rene\u0301@Example.com\t")).isEqualTo("Ren\u00E9@Example.com");
    }

    @Test
    void keyFoldsCaseAndCompatibilityForms() {
        assertThat(EmailAddress.key("Ann@Example.COM")).isEqualTo("ann@example.com");
        assertThat(EmailAddress.key("\uFF21nn@example.com")).isEqualTo("ann@example.com");
        assertThat(EmailAddress.key("Rene\u0301@x.io")).isEqualTo(EmailAddress.key("REN\u00C9@X.IO"));
        assertThat(EmailAddress.key("ann@example.com")).isNotEqualTo(EmailAddress.key("anne@example.com"));
    }
}
