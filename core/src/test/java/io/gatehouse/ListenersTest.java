package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.ratelimit.RateLimitListener;
import io.gatehouse.token.TokenEventListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fan-outs forward every callback: a listener method they forget would silently reach nobody. */
class ListenersTest {

    private static List<String> callbacks(Class<?> type) {
        return Arrays.stream(type.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .map(Method::getName)
                .sorted()
                .toList();
    }

    private static List<String> overridden(Object fanout, Class<?> type) {
        return Arrays.stream(fanout.getClass().getDeclaredMethods())
                .filter(m -> !m.isSynthetic() && callbacks(type).contains(m.getName()))
                .map(Method::getName)
                .sorted()
                .toList();
    }

    @Test
    void theRateLimitFanOutForwardsEveryCallback() {
        assertThat(overridden(Listeners.rateLimits(), RateLimitListener.class))
                .containsExactlyElementsOf(callbacks(RateLimitListener.class));
    }

    @Test
    void theTokenFanOutForwardsEveryCallback() {
        assertThat(overridden(Listeners.tokens(), TokenEventListener.class))
                .containsExactlyElementsOf(callbacks(TokenEventListener.class));
    }
}
