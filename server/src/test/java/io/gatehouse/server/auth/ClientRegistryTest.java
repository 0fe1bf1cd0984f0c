package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.ratelimit.ActiveLockout;
import io.gatehouse.ratelimit.LockoutStatus;
import io.gatehouse.ratelimit.LoginGuard;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Client credentials parsing (RFC 6749 §2.3.1) and the configured client registry. */
class ClientRegistryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void basicCredentialsAreFormUrlEncodedBeforeBase64AndDecodedBack() {
        String secret = "s:cr%t+ /&=é€";
        ClientCredentials c = new ClientCredentials("svc:reporting@example", secret);
        String header = c.toBasicHeader();
        String inner = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        assertThat(inner).isEqualTo("svc%3Areporting%40example:s%3Acr%25t%2B+%2F%26%3D%C3%A9%E2%82%AC");
        assertThat(ClientCredentials.fromBasic(header)).contains(c);
        assertThat(ClientCredentials.fromBasic("basic " + header.substring(6))).contains(c);
        assertThat(c.toString()).doesNotContain(secret);
    }

    @Test
    void aPlainRfc7617HeaderWithoutSpecialCharactersStillWorks() {
        String header = "Basic " + Base64.getEncoder().encodeToString("gw:abcDEF123".getBytes(StandardCharsets.UTF_8));
        assertThat(ClientCredentials.fromBasic(header)).contains(new ClientCredentials("gw", "abcDEF123"));
    }

    @Test
    void basicCredentialsInRawUtf8DecodeAndMalformedUtf8IsRefused() {
        String header =
                "basic " + Base64.getEncoder().encodeToString("gw:s\u00e9cr\u20act".getBytes(StandardCharsets.UTF_8));
        assertThat(ClientCredentials.fromBasic(header)).contains(new ClientCredentials("gw", "s\u00e9cr\u20act"));
        String malformed = "Basic " + Base64.getEncoder().encodeToString(new byte[] {'g', 'w', ':', (byte) 0xC3, 'x'});
        assertThatThrownBy(() -> ClientCredentials.fromBasic(malformed)).isInstanceOf(InvalidClientException.class);
        assertThat(ClientCredentials.fromBasic("Basi")).isEmpty();
        assertThat(ClientCredentials.fromBasic("Basicabc")).isEmpty();
    }

    @Test
    void formDecodingReturnsPlainValuesAsTheyAreAndDecodesEscapes() {
        String token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln-_";
        assertThat(ClientCredentials.formDecode(token)).isSameAs(token);
        assertThat(ClientCredentials.formDecode("a+b%2Bc%3A%C3%A9")).isEqualTo("a b+c:\u00e9");
        assertThatThrownBy(() -> ClientCredentials.formDecode("%zz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherSchemesAreNotBasicAndMalformedBasicIsInvalidClient() {
        assertThat(ClientCredentials.fromBasic(null)).isEmpty();
        assertThat(ClientCredentials.fromBasic("Bearer abc")).isEmpty();
        assertThatThrownBy(() -> ClientCredentials.fromBasic("Basic ***")).isInstanceOf(InvalidClientException.class);
        String noColon = "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ClientCredentials.fromBasic(noColon)).isInstanceOf(InvalidClientException.class);
        String badEscape = "Basic " + Base64.getEncoder().encodeToString("id:%zz".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ClientCredentials.fromBasic(badEscape)).isInstanceOf(InvalidClientException.class);
        String notUtf8 = "Basic " + Base64.getEncoder().encodeToString(new byte[] {'a', ':', (byte) 0xff});
        assertThatThrownBy(() -> ClientCredentials.fromBasic(notUtf8)).isInstanceOf(InvalidClientException.class);
        String emptyId = "Basic " + Base64.getEncoder().encodeToString(":secret".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ClientCredentials.fromBasic(emptyId)).isInstanceOf(InvalidClientException.class);
        assertThatThrownBy(() -> ClientCredentials.fromBasic("Basic \u0141QQ="))
                .isInstanceOf(InvalidClientException.class);
    }

    @Test
    void basicSchemeAloneOrWithOnlyWhitespaceIsNotBasicCredentials() {
        assertThat(ClientCredentials.fromBasic("Basic")).isEmpty();
        assertThat(ClientCredentials.fromBasic("Basic ")).isEmpty();
        assertThat(ClientCredentials.fromBasic("  Basic \t ")).isEmpty();
    }

    @Test
    void surroundingWhitespaceAndAnEmptySecretParseAsBefore() {
        String b64 = Base64.getEncoder().encodeToString("gw:abc".getBytes(StandardCharsets.UTF_8));
        assertThat(ClientCredentials.fromBasic(" \tBasic   " + b64 + "  "))
                .contains(new ClientCredentials("gw", "abc"));
        String emptySecret = Base64.getEncoder().encodeToString("gw:".getBytes(StandardCharsets.UTF_8));
        assertThat(ClientCredentials.fromBasic("Basic " + emptySecret)).contains(new ClientCredentials("gw", ""));
        String twoColons = Base64.getEncoder().encodeToString("gw:a:b".getBytes(StandardCharsets.UTF_8));
        assertThat(ClientCredentials.fromBasic("Basic " + twoColons)).contains(new ClientCredentials("gw", "a:b"));
    }

    @Test
    void sha256SecretsAuthenticateWithTheirScopes() {
        String secret = ClientRegistry.generateSecret();
        assertThat(secret).hasSize(43);
        ClientRegistry registry = ClientRegistry.fromConfig(
                GatehouseConfig.builder()
                        .set("gatehouse.server.clients", "gw, ops")
                        .set("gatehouse.server.client.gw.secret-hash", ClientRegistry.hashSecret(secret))
                        .set("gatehouse.server.client.gw.scopes", "introspect revoke")
                        .set("gatehouse.server.client.ops.secret-hash", ClientRegistry.hashSecret("other"))
                        .set("gatehouse.server.client.ops.scopes", "admin")
                        .build(),
                clock);
        OAuthClient gw = registry.authenticate(new ClientCredentials("gw", secret));
        assertThat(gw.id()).isEqualTo("gw");
        assertThat(gw.scopes()).containsExactlyInAnyOrder("introspect", "revoke");
        assertThat(registry.authenticate(new ClientCredentials("ops", "other")).hasScope("admin"))
                .isTrue();
        assertThatThrownBy(() -> registry.authenticate(new ClientCredentials("gw", secret + "x")))
                .isInstanceOf(InvalidClientException.class)
                .hasMessage("client authentication failed");
        assertThatThrownBy(() -> registry.authenticate(new ClientCredentials("nobody", secret)))
                .isInstanceOf(InvalidClientException.class)
                .hasMessage("client authentication failed");
        assertThatThrownBy(() -> registry.authenticate(new ClientCredentials("gw", "other")))
                .isInstanceOf(InvalidClientException.class);
    }

    @Test
    void argon2SecretsAreVerifiedAndRememberedForTheCacheTtlOnly() {
        String hash = Password.hash("a human chosen secret")
                .addRandomSalt(16)
                .with(Argon2Function.getInstance(256, 1, 1, 32, Argon2.ID, Argon2Function.ARGON2_VERSION_13))
                .getResult();
        ClientRegistry registry = ClientRegistry.fromConfig(
                GatehouseConfig.builder()
                        .set("gatehouse.server.clients", "legacy")
                        .set("gatehouse.server.client.legacy.secret-hash", hash)
                        .set("gatehouse.server.client.legacy.scopes", "introspect")
                        .set("gatehouse.server.client-cache-ttl", "1m")
                        .build(),
                clock);
        assertThat(registry.authenticate(new ClientCredentials("legacy", "a human chosen secret"))
                        .id())
                .isEqualTo("legacy");
        // A remembered verification does not let another secret in.
        assertThatThrownBy(() -> registry.authenticate(new ClientCredentials("legacy", "a human chosen secreT")))
                .isInstanceOf(InvalidClientException.class);
        clock.advance(Duration.ofMinutes(2));
        assertThat(registry.authenticate(new ClientCredentials("legacy", "a human chosen secret"))
                        .id())
                .isEqualTo("legacy");
    }

    @Test
    void badConfigurationNamesTheKey() {
        assertThatThrownBy(() -> ClientRegistry.fromConfig(
                        GatehouseConfig.builder()
                                .set("gatehouse.server.clients", "gw")
                                .build(),
                        clock))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gatehouse.server.client.gw.secret-hash");
        assertThatThrownBy(() -> ClientRegistry.fromConfig(
                        GatehouseConfig.builder()
                                .set("gatehouse.server.clients", "gw")
                                .set("gatehouse.server.client.gw.secret-hash", "plaintext-secret")
                                .build(),
                        clock))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sha256:")
                .hasMessageNotContaining("plaintext-secret");
        assertThatThrownBy(() -> ClientRegistry.fromConfig(
                        GatehouseConfig.builder()
                                .set("gatehouse.server.clients", "g w")
                                .build(),
                        clock))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> ClientRegistry.fromConfig(
                        GatehouseConfig.builder()
                                .set("gatehouse.server.clients", "gw")
                                .set("gatehouse.server.client.gw.secret-hash", ClientRegistry.hashSecret("x"))
                                .set("gatehouse.server.client.gw.scopes", "Admin!")
                                .build(),
                        clock))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("scopes");
        assertThat(ClientRegistry.fromConfig(GatehouseConfig.builder().build(), clock)
                        .isEmpty())
                .isTrue();
    }

    /** The real in-memory guard, counting the lockout checks that reach it. */
    private static final class CountingChecks implements LoginGuard {
        private final LoginGuard guard;
        final AtomicInteger checks = new AtomicInteger();

        CountingChecks(LoginGuard guard) {
            this.guard = guard;
        }

        @Override
        public LockoutStatus check(String ip, String account) {
            checks.incrementAndGet();
            return guard.check(ip, account);
        }

        @Override
        public LockoutStatus failure(String ip, String account) {
            return guard.failure(ip, account);
        }

        @Override
        public void success(String ip, String account) {
            guard.success(ip, account);
        }

        @Override
        public void unlockAccount(String account) {
            guard.unlockAccount(account);
        }

        @Override
        public void unlockIp(String ip) {
            guard.unlockIp(ip);
        }

        @Override
        public List<ActiveLockout> lockedNow(int max) {
            return guard.lockedNow(max);
        }
    }

    /** Client "gw" with {@code secret}, locked out per address after three failures. */
    private static GatehouseConfig lockoutConfig(String secret) {
        return GatehouseConfig.builder()
                .set("gatehouse.server.clients", "gw")
                .set("gatehouse.server.client.gw.secret-hash", ClientRegistry.hashSecret(secret))
                .set("gatehouse.server.client.gw.scopes", "introspect")
                .set("gatehouse.lockout.ip-account.max-failures", "3")
                .build();
    }

    @Test
    void aClientThatAuthenticatedReusesItsOpenLockoutVerdictBrieflyWhileWrongSecretsAreAlwaysCheckedAndCounted() {
        String secret = ClientRegistry.generateSecret();
        GatehouseConfig config = lockoutConfig(secret);
        CountingChecks guard = new CountingChecks(
                LoginGuard.builder().config(config).clock(clock).build());
        ClientRegistry registry = ClientRegistry.fromConfig(config, clock).guarded(guard);
        ClientInfo from = new ClientInfo("192.0.2.7", Optional.empty());
        ClientCredentials right = new ClientCredentials("gw", secret);
        ClientCredentials wrong = new ClientCredentials("gw", secret + "x");

        for (int i = 0; i < 5; i++) {
            assertThat(registry.authenticate(right, from).id()).isEqualTo("gw");
        }
        assertThat(guard.checks).hasValue(1); // one verdict, reused within LOCKOUT_MEMO
        clock.advance(ClientRegistry.LOCKOUT_MEMO);
        registry.authenticate(right, from);
        assertThat(guard.checks).hasValue(2); // expired: asked again

        // Every wrong secret is counted and drops the reused verdict, so the ones after it are checked.
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> registry.authenticate(wrong, from)).isInstanceOf(InvalidClientException.class);
        }
        assertThat(guard.checks).hasValue(4);
        // Locked out now: the right secret is refused too (429), not let in by an earlier verdict.
        assertThatThrownBy(() -> registry.authenticate(right, from)).isInstanceOf(ProblemException.class);
        assertThat(guard.checks).hasValue(5);
        // Another address is not affected.
        assertThat(registry.authenticate(right, new ClientInfo("192.0.2.8", Optional.empty()))
                        .id())
                .isEqualTo("gw");
    }

    @Test
    void nearTheMemosEndOneRequestAsksTheStoreAndALockoutFoundThenEndsTheMemo() {
        String secret = ClientRegistry.generateSecret();
        GatehouseConfig config = lockoutConfig(secret);
        LoginGuard real = LoginGuard.builder().config(config).clock(clock).build();
        CountingChecks guard = new CountingChecks(real);
        ClientRegistry registry = ClientRegistry.fromConfig(config, clock).guarded(guard);
        ClientInfo from = new ClientInfo("192.0.2.7", Optional.empty());
        ClientCredentials right = new ClientCredentials("gw", secret);

        registry.authenticate(right, from);
        assertThat(guard.checks).hasValue(1);
        // Inside the renewal window: the first request asks the store and renews the memo, the rest use it.
        clock.advance(ClientRegistry.LOCKOUT_MEMO.minus(ClientRegistry.LOCKOUT_RENEW_AHEAD));
        for (int i = 0; i < 5; i++) {
            registry.authenticate(right, from);
        }
        assertThat(guard.checks).hasValue(2);
        // The renewed memo runs a full LOCKOUT_MEMO from the renewal: past the old end, still no check.
        clock.advance(ClientRegistry.LOCKOUT_RENEW_AHEAD);
        registry.authenticate(right, from);
        assertThat(guard.checks).hasValue(2);

        // Locked out elsewhere (another instance counted the failures in the shared store): the renewal sees it,
        // refuses, and drops the memo, so no later request is let in by it.
        for (int i = 0; i < 3; i++) {
            real.failure(from.limitKey(), "client:" + LoginService.accountSubject("gw"));
        }
        clock.advance(ClientRegistry.LOCKOUT_MEMO.minus(ClientRegistry.LOCKOUT_RENEW_AHEAD));
        assertThatThrownBy(() -> registry.authenticate(right, from)).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> registry.authenticate(right, from)).isInstanceOf(ProblemException.class);
        assertThat(guard.checks).hasValue(4);
    }
}
