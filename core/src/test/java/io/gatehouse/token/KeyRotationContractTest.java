package io.gatehouse.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import io.gatehouse.config.ConfigException;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.StoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation and persistence: the file store on the in-memory backend (the embedded default), the
 * Redis store on every topology. Two services on one store stand for two instances (or a restart).
 */
class KeyRotationContractTest extends StoreContract {
    private static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final RecordingListener events = new RecordingListener();
    private final List<TokenService> open = new ArrayList<>();

    @AfterEach
    void stop() {
        open.forEach(TokenService::close);
    }

    private TokenService instance(Map<String, String> settings) {
        TokenService s = TestTokenServices.on(backend, dataDir, clock, events, settings);
        open.add(s);
        return s;
    }

    private TokenService instance() {
        return instance(Map.of());
    }

    @Test
    void oldKeysVerifyAfterRotationAndNewTokensUseTheNewKey() throws Exception {
        TokenService a = instance();
        String k1 = a.activeKeyId();
        TokenPair old = a.issue(TokenRequest.of("user-1", "sess-1"));

        String k2 = a.rotateKeys();

        assertThat(k2).isNotEqualTo(k1);
        assertThat(events.rotations).contains(k2);
        assertThat(a.verify(old.accessToken()).keyId()).isEqualTo(k1);
        assertThat(a.verify(a.issue(TokenRequest.of("user-1", "sess-1")).accessToken())
                        .keyId())
                .isEqualTo(k2);
        assertThat(JWKSet.parse(a.jwks()).getKeys())
                .extracting(k -> k.getKeyID())
                .containsExactlyInAnyOrder(k1, k2);
        // the old refresh token still rotates (it was MACed with the old generation's secret)
        assertThat(a.verify(a.refresh(old.refreshToken()).accessToken()).keyId())
                .isEqualTo(k2);
    }

    @Test
    void keysSurviveARestart() {
        TokenService first = instance();
        TokenPair beforeRotation = first.issue(TokenRequest.of("user-1", "sess-1"));
        String k2 = first.rotateKeys();
        TokenPair afterRotation = first.issue(TokenRequest.of("user-1", "sess-2"));
        first.close();
        open.remove(first);

        TokenService restarted = instance();

        assertThat(restarted.activeKeyId()).isEqualTo(k2);
        assertThat(restarted.verify(beforeRotation.accessToken()).subject()).isEqualTo("user-1");
        assertThat(restarted.verify(afterRotation.accessToken()).keyId()).isEqualTo(k2);
        if (backend.isRedis()) {
            // refresh families live in Redis; the in-memory store loses them with the process (documented)
            assertThat(restarted.refresh(afterRotation.refreshToken()).familyId())
                    .isEqualTo(afterRotation.familyId());
        }
    }

    @Test
    void anotherInstanceLearnsOfARotationFromAnUnknownKid() {
        TokenService a = instance();
        TokenService b = instance();
        assertThat(b.activeKeyId()).isEqualTo(a.activeKeyId());

        String k2 = a.rotateKeys();
        TokenPair signedByNewKey = a.issue(TokenRequest.of("user-1", "sess-1"));

        assertThat(b.verify(signedByNewKey.accessToken()).keyId()).isEqualTo(k2);
        ((DefaultTokenService) b).keyManager().maintain();
        assertThat(b.activeKeyId()).isEqualTo(k2);
    }

    @Test
    void concurrentRotationsAgreeOnOneKey() throws Exception {
        List<TokenService> instances = List.of(instance(), instance(), instance(), instance());
        int rotationsBefore = events.rotations.size();
        ExecutorService pool = Executors.newFixedThreadPool(instances.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<String>> winners = new ArrayList<>();
            for (TokenService s : instances) {
                winners.add(pool.submit(() -> {
                    go.await();
                    return s.rotateKeys();
                }));
            }
            go.countDown();
            Set<String> active = new HashSet<>();
            for (Future<String> f : winners) {
                active.add(f.get());
            }
            assertThat(active).as("every instance adopted the one winning key").hasSize(1);
            assertThat(events.rotations).hasSize(rotationsBefore + 1);
            assertThat(instances)
                    .allMatch(s -> s.activeKeyId().equals(active.iterator().next()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keysRotateByAgeAndRetiredKeysLeaveOnceTheirTokensExpired() throws Exception {
        TokenService a = instance(Map.of("gatehouse.tokens.keys.rotate-every", "7d"));
        String k1 = a.activeKeyId();
        DefaultTokenService impl = (DefaultTokenService) a;

        clock.advance(Duration.ofDays(8));
        impl.keyManager().maintain();
        String k2 = a.activeKeyId();
        assertThat(k2).isNotEqualTo(k1);
        assertThat(JWKSet.parse(a.jwks()).getKeys()).hasSize(2);

        // k1 retired when k2 was made; it verifies until the longest token it signed can have expired
        clock.advance(Duration.ofDays(29));
        impl.keyManager().maintain();
        assertThat(JWKSet.parse(a.jwks()).getKeyByKeyId(k1)).isNotNull();
        clock.advance(Duration.ofDays(2));
        impl.keyManager().maintain();
        assertThat(JWKSet.parse(a.jwks()).getKeyByKeyId(k1)).isNull();
        assertThat(JWKSet.parse(a.jwks()).getKeyByKeyId(a.activeKeyId())).isNotNull();
    }

    @Test
    void privateKeysCanBeEncryptedAtRestAndAreUnreadableWithoutTheKey() throws Exception {
        TokenService a = instance(Map.of("gatehouse.tokens.keys.encryption-key", ENCRYPTION_KEY));
        TokenPair pair = a.issue(TokenRequest.of("user-1", "sess-1"));
        String stored = storedKeyMaterial();
        assertThat(stored).contains("sealed").doesNotContainPattern("\\\\?\"d\\\\?\"");

        TokenService sameKey = instance(Map.of("gatehouse.tokens.keys.encryption-key", ENCRYPTION_KEY));
        assertThat(sameKey.verify(pair.accessToken()).subject()).isEqualTo("user-1");

        assertThatThrownBy(() -> instance(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gatehouse.tokens.keys.encryption-key");
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> instance(Map.of(
                        "gatehouse.tokens.keys.encryption-key",
                        Base64.getEncoder().encodeToString(other))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wrong key");
    }

    @Test
    void withoutEncryptionThePrivateKeyIsStoredInTheClear() throws Exception {
        instance();
        // "d" is the private part of a JWK (escaped once more inside the file's JSON)
        assertThat(storedKeyMaterial()).containsPattern("\\\\?\"d\\\\?\"");
    }

    private String storedKeyMaterial() throws Exception {
        if (backend.isRedis()) {
            String set = backend.connector().keys().key("tok", "keys", "set");
            return backend.connector().sync(c -> c.hgetall(set)).toString();
        }
        return Files.readString(dataDir.resolve("token-keys.json"));
    }
}
