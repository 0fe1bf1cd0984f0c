package io.gatehouse.token;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code gatehouse.tokens.*} settings, validated once. Documented in docs/CONFIGURATION.md.
 */
record TokenSettings(
        String issuer,
        String audience,
        SigningAlgorithm algorithm,
        Es256Signer.Engine es256Engine,
        RefreshFormat refreshFormat,
        RefreshSigning refreshSigning,
        Duration accessTtl,
        Duration refreshTtl,
        Duration clockSkew,
        Duration grace,
        int maxTokenLength,
        KeyStoreKind keyStore,
        Path keyFile,
        Duration keyRotateEvery,
        Duration keyReloadInterval,
        Optional<byte[]> keyEncryptionKey,
        Duration stalenessBudget,
        StalePolicy stalePolicy,
        Duration streamRetention,
        long streamMaxLength,
        Duration readBlock,
        int verifyCacheSize) {

    static final String PREFIX = "gatehouse.tokens.";

    /** What a refresh token is: 256 random bits authenticated by their stored hash, or a signed JWT. */
    enum RefreshFormat {
        OPAQUE,
        JWT
    }

    /** How JWT refresh tokens are signed: with the access-token key pair, or with a MAC key only Gatehouse holds. */
    enum RefreshSigning {
        ASYMMETRIC,
        HMAC
    }

    /** Where the signing key set lives. */
    enum KeyStoreKind {
        AUTO,
        FILE,
        REDIS,
        MEMORY
    }

    static TokenSettings from(GatehouseConfig c) {
        String issuer = c.string(PREFIX + "issuer", "http://localhost:8080");
        if (issuer.isBlank()) {
            throw new ConfigException(
                    PREFIX + "issuer",
                    PREFIX + "issuer must not be empty: it is the 'iss' of every"
                            + " token and must equal, character for character, the issuer URL resource servers are configured with");
        }
        String audience = c.string(PREFIX + "audience", "gatehouse");
        SigningAlgorithm alg = switch (c.string(PREFIX + "algorithm", "ES256").toUpperCase(Locale.ROOT)) {
            case "ES256" -> SigningAlgorithm.ES256;
            case "RS256" -> SigningAlgorithm.RS256;
            case "EDDSA", "ED25519" -> SigningAlgorithm.EDDSA;
            default ->
                throw new ConfigException(
                        PREFIX + "algorithm",
                        PREFIX + "algorithm = '" + c.string(PREFIX + "algorithm", "")
                                + "' is not supported; use ES256 (default), RS256 or EdDSA");
        };
        Es256Signer.Engine es256Engine =
                switch (c.string(PREFIX + "es256-engine", "bouncycastle").toLowerCase(Locale.ROOT)) {
                    case "bouncycastle" -> Es256Signer.Engine.BOUNCYCASTLE;
                    case "jdk" -> Es256Signer.Engine.JDK;
                    default ->
                        throw new ConfigException(
                                PREFIX + "es256-engine",
                                PREFIX + "es256-engine = '" + c.string(PREFIX + "es256-engine", "")
                                        + "' is neither bouncycastle (default) nor jdk");
                };
        RefreshFormat refreshFormat =
                switch (c.string(PREFIX + "refresh.format", "opaque").toLowerCase(Locale.ROOT)) {
                    case "opaque" -> RefreshFormat.OPAQUE;
                    case "jwt" -> RefreshFormat.JWT;
                    default ->
                        throw new ConfigException(
                                PREFIX + "refresh.format",
                                PREFIX + "refresh.format = '" + c.string(PREFIX + "refresh.format", "")
                                        + "' is neither opaque (default) nor jwt");
                };
        RefreshSigning refreshSigning =
                switch (c.string(PREFIX + "refresh.signing", "asymmetric").toLowerCase(Locale.ROOT)) {
                    case "hmac" -> RefreshSigning.HMAC;
                    case "asymmetric" -> RefreshSigning.ASYMMETRIC;
                    default ->
                        throw new ConfigException(
                                PREFIX + "refresh.signing",
                                PREFIX + "refresh.signing = '" + c.string(PREFIX + "refresh.signing", "")
                                        + "' is neither asymmetric (default) nor hmac");
                };
        Duration access = c.positiveDuration(PREFIX + "access-ttl", Duration.ofMinutes(15));
        Duration refresh = c.positiveDuration(PREFIX + "refresh-ttl", Duration.ofDays(30));
        if (refresh.compareTo(access) < 0) {
            throw new ConfigException(
                    PREFIX + "refresh-ttl",
                    PREFIX + "refresh-ttl (" + refresh + ") is shorter than " + PREFIX + "access-ttl (" + access
                            + "); a refresh token must outlive the access token it renews");
        }
        Duration skew = c.nonNegativeDuration(PREFIX + "clock-skew", Duration.ofSeconds(30));
        if (skew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new ConfigException(
                    PREFIX + "clock-skew",
                    PREFIX + "clock-skew = " + skew
                            + " is more than 5 minutes; a skew that large accepts expired tokens for too long");
        }
        Duration grace = c.nonNegativeDuration(PREFIX + "refresh.grace", Duration.ofSeconds(10));
        long maxLen = c.number(PREFIX + "max-token-length", 8192);
        if (maxLen < 256 || maxLen > 65536) {
            throw new ConfigException(
                    PREFIX + "max-token-length",
                    PREFIX + "max-token-length = " + maxLen + " must be between 256 and 65536 characters");
        }
        KeyStoreKind store = switch (c.string(PREFIX + "keys.store", "auto").toLowerCase(Locale.ROOT)) {
            case "auto" -> KeyStoreKind.AUTO;
            case "file" -> KeyStoreKind.FILE;
            case "redis" -> KeyStoreKind.REDIS;
            case "memory" -> KeyStoreKind.MEMORY;
            default ->
                throw new ConfigException(
                        PREFIX + "keys.store",
                        PREFIX + "keys.store = '" + c.string(PREFIX + "keys.store", "")
                                + "' must be auto, file, redis or memory");
        };
        Path file = Path.of(c.string(
                PREFIX + "keys.file", c.dataDir().resolve("token-keys.json").toString()));
        Duration rotateEvery = c.positiveDuration(PREFIX + "keys.rotate-every", Duration.ofDays(30));
        Duration reload = c.positiveDuration(PREFIX + "keys.reload-interval", Duration.ofMinutes(1));
        Optional<byte[]> encryption = c.key256(PREFIX + "keys.encryption-key");
        Duration budget = c.positiveDuration(PREFIX + "revocation.staleness-budget", Duration.ofSeconds(30));
        StalePolicy policy =
                switch (c.string(PREFIX + "revocation.on-stale", "fail-closed").toLowerCase(Locale.ROOT)) {
                    case "fail-closed" -> StalePolicy.FAIL_CLOSED;
                    case "fail-open" -> StalePolicy.FAIL_OPEN;
                    default ->
                        throw new ConfigException(
                                PREFIX + "revocation.on-stale",
                                PREFIX + "revocation.on-stale = '" + c.string(PREFIX + "revocation.on-stale", "")
                                        + "' must be fail-closed (default) or fail-open");
                };
        Duration retention = c.positiveDuration(PREFIX + "revocation.stream-retention", Duration.ofHours(1));
        long maxStream = c.number(PREFIX + "revocation.stream-max-length", 1_000_000);
        if (maxStream < 1) {
            throw new ConfigException(
                    PREFIX + "revocation.stream-max-length",
                    PREFIX + "revocation.stream-max-length must be at least 1");
        }
        Duration block = c.positiveDuration(PREFIX + "revocation.read-block", Duration.ofSeconds(1));
        if (block.compareTo(budget) >= 0) {
            throw new ConfigException(
                    PREFIX + "revocation.read-block",
                    PREFIX + "revocation.read-block (" + block + ") must be shorter than " + PREFIX
                            + "revocation.staleness-budget (" + budget + ")");
        }
        long verifyCache = c.number(PREFIX + "verify-cache-size", 10_000);
        if (verifyCache < 0 || verifyCache > 10_000_000) {
            throw new ConfigException(
                    PREFIX + "verify-cache-size",
                    PREFIX + "verify-cache-size = " + verifyCache
                            + " must be between 0 (off) and 10000000 access tokens");
        }
        return new TokenSettings(
                issuer,
                audience,
                alg,
                es256Engine,
                refreshFormat,
                refreshSigning,
                access,
                refresh,
                skew,
                grace,
                (int) maxLen,
                store,
                file,
                rotateEvery,
                reload,
                encryption,
                budget,
                policy,
                retention,
                maxStream,
                block,
                (int) verifyCache);
    }

    /** The longest a token issued now can live: how long a retired key must keep verifying. */
    Duration maxTokenLifetime() {
        return refreshTtl.plus(clockSkew);
    }
}
