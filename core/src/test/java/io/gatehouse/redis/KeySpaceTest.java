package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySpaceTest {
    private final KeySpace keys = new KeySpace("gatehouse");

    @Test
    void keysCarryPrefixKindAndTag() {
        assertThat(keys.key("sess", "u42", "index")).isEqualTo("gatehouse:sess:{u42}:index");
        assertThat(keys.plain("keys", "jwks")).isEqualTo("gatehouse:keys:jwks");
        assertThat(keys.channel("revocations")).isEqualTo("gatehouse:revocations");
    }

    @Test
    void sameTagSameSlot() {
        String a = keys.key("sess", "u42", "index");
        String b = keys.key("sess", "u42", "s", "abc");
        assertThat(KeySpace.slot(a)).isEqualTo(KeySpace.slot(b));
        KeySpace.requireSameSlot(List.of(a, b));
    }

    @Test
    void differentSlotsAreRefused() {
        // these two tags hash to different slots
        String a = keys.key("x", "a");
        String b = keys.key("x", "b");
        assertThat(KeySpace.slot(a)).isNotEqualTo(KeySpace.slot(b));
        assertThatThrownBy(() -> KeySpace.requireSameSlot(List.of(a, b))).hasMessageContaining("hash tag");
    }

    @Test
    void oddCharactersAreRefused() {
        assertThatThrownBy(() -> keys.key("sess", "u{1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.key("sess", "a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.key("sess", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.key("sess", "ok", "bad\n")).isInstanceOf(IllegalArgumentException.class);
    }
}
