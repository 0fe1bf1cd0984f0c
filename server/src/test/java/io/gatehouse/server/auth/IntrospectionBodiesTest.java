package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.http.Json;
import io.gatehouse.token.TokenUse;
import io.gatehouse.token.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Introspection answers rendered once per verified token object, and never one token's answer for another. */
class IntrospectionBodiesTest {
    private final IntrospectionBodies bodies = new IntrospectionBodies();

    private static VerifiedToken token(String subject) {
        return new VerifiedToken(
                TokenUse.ACCESS,
                "k1",
                "jti-" + subject,
                subject,
                "sid-" + subject,
                "fam-" + subject,
                Instant.ofEpochSecond(1_700_000_000L),
                Instant.ofEpochSecond(1_700_000_900L),
                List.of("user"),
                List.of(),
                List.of("pwd"),
                Optional.of(Instant.ofEpochSecond(1_699_999_000L)));
    }

    private static Introspection active(VerifiedToken t) {
        return new Introspection(Optional.of(t), "https://issuer.example", "gatehouse");
    }

    @Test
    void anActiveAnswerIsTheRenderedAnswerAndIsRenderedOncePerTokenObject() {
        VerifiedToken t = token("alice");
        byte[] first = bodies.body(active(t));
        assertThat(first).isEqualTo(Json.objectBytes(active(t)));
        assertThat(new String(first, StandardCharsets.UTF_8))
                .startsWith("{\"active\":true,\"sub\":\"alice\"")
                .contains("\"iss\":\"https://issuer.example\"", "\"aud\":\"gatehouse\"", "\"jti\":\"jti-alice\"");
        assertThat(bodies.body(active(t))).isSameAs(first);
    }

    @Test
    void everyTokenGetsItsOwnAnswer() {
        for (int i = 0; i < 5_000; i++) { // more tokens than slots: collisions render again
            VerifiedToken t = token("user-" + i);
            assertThat(new String(bodies.body(active(t)), StandardCharsets.UTF_8))
                    .contains("\"sub\":\"user-" + i + "\"");
        }
    }

    @Test
    void anInactiveAnswerSaysOnlyThat() {
        assertThat(new String(bodies.body(Introspection.inactive()), StandardCharsets.UTF_8))
                .isEqualTo("{\"active\":false}");
    }
}
