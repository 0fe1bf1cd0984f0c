package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenService#retireKey}: refused for the active key and, without force, while tokens the key
 * signed may be valid; once retired the key leaves the JWKS and its tokens are refused, by this instance at
 * once and by another at its next key reload. The file store in memory, the Redis store on every topology.
 */
class KeyRetirementContractTest extends StoreContract {
    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final List<TokenService> open = new ArrayList<>();

    @AfterEach
    void stop() {
        open.forEach(TokenService::close);
    }

    private TokenService instance() {
        TokenService s = TestTokenServices.on(backend, dataDir, clock, new RecordingListener(), Map.of());
        open.add(s);
        return s;
    }

    private static List<String> kids(TokenService s) throws Exception {
        return JWKSet.parse(s.jwks()).getKeys().stream().map(k -> k.getKeyID()).toList();
    }

    @Test
    void theActiveKeyAndAnUnknownKeyAreRefused() throws Exception {
        TokenService a = instance();
        String active = a.activeKeyId();

        assertThat(a.retireKey(active, true).outcome()).isEqualTo(KeyRetirement.Outcome.ACTIVE);
        assertThat(a.retireKey("no-such-kid", true).outcome()).isEqualTo(KeyRetirement.Outcome.UNKNOWN);
        assertThat(kids(a)).containsExactly(active);
    }

    @Test
    void withoutForceAKeyWhoseTokensMayBeValidStays() throws Exception {
        TokenService a = instance();
        String old = a.activeKeyId();
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        a.rotateKeys();

        KeyRetirement r = a.retireKey(old, false);

        assertThat(r.outcome()).isEqualTo(KeyRetirement.Outcome.TOKENS_MAY_BE_VALID);
        assertThat(r.lastExpiry()).hasValueSatisfying(t -> assertThat(t).isAfter(clock.instant()));
        assertThat(kids(a)).contains(old);
        assertThat(a.verify(pair.accessToken()).keyId()).isEqualTo(old);
    }

    @Test
    void aForcedRetirementRefusesTheKeysTokensHereAtOnceAndElsewhereAfterTheirReload() throws Exception {
        TokenService a = instance();
        TokenService b = instance();
        String old = a.activeKeyId();
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        assertThat(b.verify(pair.accessToken()).keyId()).isEqualTo(old);
        String fresh = a.rotateKeys();

        KeyRetirement r = a.retireKey(old, true);

        assertThat(r.outcome()).isEqualTo(KeyRetirement.Outcome.RETIRED);
        assertThat(kids(a)).containsExactly(fresh);
        assertThatThrownBy(() -> a.verify(pair.accessToken())).isInstanceOf(TokenRejectedException.class);
        ((DefaultTokenService) b).keyManager().reload(); // b's periodic reload
        assertThatThrownBy(() -> b.verify(pair.accessToken())).isInstanceOf(TokenRejectedException.class);
        assertThat(kids(b)).containsExactly(fresh);
        assertThat(b.verify(a.issue(TokenRequest.of("user-1", "sess-1")).accessToken())
                        .keyId())
                .isEqualTo(fresh);
    }

    @Test
    void onceItsTokensHaveExpiredAKeyRetiresWithoutForce() throws Exception {
        TokenService a = instance();
        String old = a.activeKeyId();
        clock.advance(Duration.ofMinutes(1));
        a.rotateKeys();
        KeyRetirement refused = a.retireKey(old, false);
        clock.set(refused.lastExpiry().orElseThrow().plus(Duration.ofSeconds(1)));

        assertThat(a.retireKey(old, false).outcome()).isEqualTo(KeyRetirement.Outcome.RETIRED);
        assertThat(kids(a)).doesNotContain(old);
    }
}
