package io.gatehouse.server;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.server.auth.AuthSettings;
import io.gatehouse.server.http.HttpSettings;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings that are legal one by one but unsafe together, checked before anything is opened.
 *
 * <ul>
 *   <li>Signing keys and the refresh MAC secret kept in Redis without {@value #KEY_ENCRYPTION}: anyone who can
 *       read Redis could mint tokens. Refused unless {@value #ALLOW_PLAINTEXT_KEYS} says this is a development
 *       setup.</li>
 *   <li>An {@code http} issuer while listening beyond loopback: tokens and passwords would cross the network in
 *       clear unless TLS ends in front. A warning, since a TLS proxy on the same host is a legitimate setup.</li>
 * </ul>
 */
final class StartupChecks {
    static final String KEY_ENCRYPTION = "gatehouse.tokens.keys.encryption-key";
    static final String ALLOW_PLAINTEXT_KEYS = "gatehouse.development.plaintext-keys";
    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

    private StartupChecks() {}

    /** @param config the configuration after {@link AuthSettings#withServerDefaults} */
    static void check(GatehouseConfig config) {
        String keyStore = config.string("gatehouse.tokens.keys.store", "auto").toLowerCase(Locale.ROOT);
        boolean keysInRedis = keyStore.equals("redis")
                || (keyStore.equals("auto") && config.redis(Purpose.TOKENS).isPresent());
        if (keysInRedis
                && config.get(KEY_ENCRYPTION).filter(s -> !s.isBlank()).isEmpty()
                && !config.flag(ALLOW_PLAINTEXT_KEYS, false)) {
            throw new ConfigException(
                    KEY_ENCRYPTION,
                    KEY_ENCRYPTION + " is not set: the token signing keys would be"
                            + " stored in Redis in plain text, and read access to Redis would be enough to mint tokens. Set it"
                            + " to 32 random bytes in base64 (openssl rand -base64 32), the same on every instance, or set "
                            + ALLOW_PLAINTEXT_KEYS + "=true on a development machine");
        }
        String issuer = config.string(AuthSettings.ISSUER, "");
        String host = HttpSettings.fromConfig(config).host();
        if (issuer.startsWith("http:") && !loopback(host)) {
            log.warn(
                    "the token issuer {} is plain http while the server listens on {}: put TLS in front and set {}"
                            + " to the https URL clients use",
                    issuer,
                    host,
                    AuthSettings.PUBLIC_URL);
        }
    }

    static boolean loopback(String host) {
        return switch (host) {
            case "127.0.0.1", "::1", "localhost" -> true;
            default -> host.startsWith("127.");
        };
    }
}
