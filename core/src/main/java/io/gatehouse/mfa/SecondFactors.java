package io.gatehouse.mfa;

import io.gatehouse.backend.Stores;
import io.gatehouse.backend.internal.StoresRedis;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.config.Purpose;
import io.gatehouse.redis.RedisConnector;
import io.gatehouse.token.SealedBox;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.apache.commons.codec.binary.Base32;

/**
 * Second factors of the users: TOTP (RFC 6238) enrolment, confirmation and checks, recovery codes, and the
 * challenges of logins that wait for a second factor.
 *
 * <ul>
 *   <li>A TOTP secret is 20 random bytes, sealed with AES-256-GCM under {@code gatehouse.mfa.encryption-key}
 *       (bound to the user id) in the user database. An enrolment waits for its first code before it counts.</li>
 *   <li>A code is accepted within {@code gatehouse.mfa.window} steps of now, and once: the last accepted step of
 *       each user is kept in the shared store, so a code used on one instance is refused on every other.</li>
 *   <li>{@value RecoveryCodes#COUNT} recovery codes per set, stored as keyed hashes, each usable once.</li>
 *   <li>A challenge counts its attempts before any code is checked; past {@code gatehouse.mfa.max-attempts}
 *       it is gone (the login starts again with the password).</li>
 * </ul>
 *
 * Secrets, codes and challenge ids are never logged.
 */
public final class SecondFactors {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SECRET_BYTES = 20;

    private final MfaSettings settings;
    private final TotpRecords records;
    private final MfaState state;
    private final Clock clock;

    private SecondFactors(MfaSettings settings, TotpRecords records, MfaState state, Clock clock) {
        this.settings = settings;
        this.records = records;
        this.state = state;
        this.clock = clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether second factors can be enrolled here (the encryption key is configured). */
    public boolean available() {
        return settings.encryptionKey().isPresent();
    }

    /** Whether the user has a confirmed TOTP second factor (a login then needs a code). */
    public boolean enabled(String userId) {
        return records.find(userId).map(TotpRecords.Row::confirmed).orElse(false);
    }

    /** How long a login challenge waits for its code. */
    public Duration challengeTtl() {
        return settings.challengeTtl();
    }

    /** Codes tried against one challenge before it is locked. */
    public int maxAttempts() {
        return settings.maxAttempts();
    }

    /**
     * Starts (or restarts) a TOTP enrolment: a new secret, pending until {@link #confirm}.
     *
     * @param accountName the label authenticator apps show (the user's email)
     * @throws SecondFactorException {@code ALREADY_ENABLED}, or {@code UNAVAILABLE} without the key
     */
    public TotpEnrolment enrol(String userId, String accountName) {
        byte[] key = key();
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        String base32 = new Base32().encodeAsString(secret).replace("=", "");
        if (!records.savePending(userId, SealedBox.seal(key, base32, userId), clock.instant())) {
            throw new SecondFactorException(
                    SecondFactorException.Reason.ALREADY_ENABLED, "a second factor is already enabled");
        }
        String label = encode(settings.issuer()) + ":" + encode(accountName);
        String uri = "otpauth://totp/" + label + "?secret=" + base32 + "&issuer=" + encode(settings.issuer())
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP.toSeconds();
        return new TotpEnrolment(base32, uri);
    }

    /**
     * Confirms the pending enrolment with its first code and returns the recovery codes (shown once).
     *
     * @return empty when the code is wrong (or replayed)
     * @throws SecondFactorException {@code NOT_ENROLLED} without a pending enrolment, {@code UNAVAILABLE}
     */
    public Optional<List<String>> confirm(String userId, String code) {
        byte[] key = key();
        TotpRecords.Row row = records.find(userId)
                .filter(r -> !r.confirmed())
                .orElseThrow(() -> new SecondFactorException(
                        SecondFactorException.Reason.NOT_ENROLLED, "no second-factor enrolment is waiting for a code"));
        if (!accept(userId, secret(key, userId, row), code)) {
            return Optional.empty();
        }
        List<String> codes = RecoveryCodes.generate();
        if (!records.confirm(userId, clock.instant(), hashes(key, userId, codes))) {
            throw new SecondFactorException(
                    SecondFactorException.Reason.NOT_ENROLLED, "no second-factor enrolment is waiting for a code");
        }
        return Optional.of(codes);
    }

    /** Whether {@code code} is the user's current TOTP code, not used before; false without a confirmed factor. */
    public boolean verifyTotp(String userId, String code) {
        Optional<TotpRecords.Row> row = records.find(userId).filter(TotpRecords.Row::confirmed);
        if (row.isEmpty() || settings.encryptionKey().isEmpty()) {
            return false;
        }
        return accept(userId, secret(settings.encryptionKey().get(), userId, row.get()), code);
    }

    /** Uses one of the user's recovery codes: true once per code. */
    public boolean useRecoveryCode(String userId, String code) {
        String normalized = RecoveryCodes.normalize(code);
        if (normalized.isEmpty() || settings.encryptionKey().isEmpty()) {
            return false;
        }
        return records.consumeRecoveryCode(
                userId, RecoveryCodes.hash(settings.encryptionKey().get(), userId, normalized));
    }

    /**
     * A new set of recovery codes replacing the old ones (shown once).
     *
     * @throws SecondFactorException {@code NOT_ENROLLED}, {@code UNAVAILABLE}
     */
    public List<String> regenerateRecoveryCodes(String userId) {
        byte[] key = key();
        List<String> codes = RecoveryCodes.generate();
        if (!records.replaceRecoveryCodes(userId, hashes(key, userId, codes))) {
            throw new SecondFactorException(SecondFactorException.Reason.NOT_ENROLLED, "no second factor is enabled");
        }
        return codes;
    }

    /** Unused recovery codes of the user. */
    public int recoveryCodesLeft(String userId) {
        return records.recoveryCodesLeft(userId);
    }

    /** Removes the user's second factor and recovery codes; whether there was one. */
    public boolean disable(String userId) {
        return records.delete(userId);
    }

    /**
     * Opens a challenge for a login that passed its password and waits for a second factor.
     *
     * @param context what the login needs to finish (client, device): stored with the challenge
     */
    public Challenge.Opened openChallenge(String userId, Map<String, String> context) {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Map<String, String> stored = new HashMap<>(context);
        stored.put("user", userId);
        state.open(hash(token), stored, settings.challengeTtl().toMillis());
        return new Challenge.Opened(token, clock.instant().plus(settings.challengeTtl()), settings.challengeTtl());
    }

    /**
     * Counts an attempt on a challenge, before its code is checked.
     *
     * @return empty for an unknown, expired or locked challenge
     */
    public Optional<Challenge.Attempt> attempt(String challengeId) {
        if (challengeId == null || challengeId.isEmpty() || challengeId.length() > 100) {
            return Optional.empty();
        }
        return state.attempt(hash(challengeId), settings.maxAttempts()).map(a -> {
            Map<String, String> context = new HashMap<>(a.context());
            String user = context.remove("user");
            return new Challenge.Attempt(user, context, a.number(), settings.maxAttempts() - a.number());
        });
    }

    /** Ends a challenge whose code was right: true for exactly one caller. */
    public boolean complete(String challengeId) {
        return state.take(hash(challengeId));
    }

    /** Ends a challenge without completing it (its attempts ran out). */
    public void discard(String challengeId) {
        state.take(hash(challengeId));
    }

    /** Fails at startup (one line) when users have second factors that cannot be checked without the key. */
    public void checkStartup() {
        if (settings.encryptionKey().isEmpty() && records.anyConfirmed()) {
            throw new ConfigException(
                    MfaSettings.KEY,
                    MfaSettings.KEY + " is not set, but users have TOTP second factors sealed with it: set it to the"
                            + " key they were enrolled with");
        }
    }

    private boolean accept(String userId, byte[] secret, String code) {
        Instant now = clock.instant();
        OptionalLong step = Totp.match(secret, code == null ? null : code.strip(), now, settings.window());
        if (step.isEmpty()) {
            return false;
        }
        // Remembered until the step can no longer match: its own 30 s plus the window on the late side.
        long ttl = Totp.STEP.toSeconds() * (2L * settings.window() + 2);
        return state.acceptStep(userId, step.getAsLong(), ttl);
    }

    private byte[] key() {
        return settings.encryptionKey()
                .orElseThrow(() -> new SecondFactorException(
                        SecondFactorException.Reason.UNAVAILABLE,
                        "second factors are not configured here (" + MfaSettings.KEY + " is not set)"));
    }

    private static byte[] secret(byte[] key, String userId, TotpRecords.Row row) {
        String base32;
        try {
            base32 = SealedBox.open(key, row.sealedSecret(), userId);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    MfaSettings.KEY,
                    "a TOTP secret does not open with " + MfaSettings.KEY + ": set it to the key it was enrolled with");
        }
        return new Base32().decode(base32);
    }

    private static List<String> hashes(byte[] key, String userId, List<String> codes) {
        return codes.stream()
                .map(c -> RecoveryCodes.hash(key, userId, RecoveryCodes.normalize(c)))
                .toList();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String hash(String challengeId) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(challengeId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Assembles {@link SecondFactors}: the user database's pool is required; the store defaults to memory. */
    public static final class Builder {
        private GatehouseConfig config = GatehouseConfig.builder().build();
        private DataSource dataSource;
        private Optional<RedisConnector> redis = Optional.empty();
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The settings {@code gatehouse.mfa.*}. Default: none (no key: nothing can be enrolled). */
        public Builder config(GatehouseConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The user database (migrated: the tables of V3). */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The sessions store of {@code stores}: Redis when configured, else memory. */
        public Builder stores(Stores stores) {
            this.redis = StoresRedis.of(stores, Purpose.SESSIONS);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @throws ConfigException for a bad {@code gatehouse.mfa.*} setting */
        public SecondFactors build() {
            if (dataSource == null) {
                throw new IllegalStateException("SecondFactors needs the user database: dataSource(...)");
            }
            MfaSettings settings = MfaSettings.from(config);
            MfaState state = redis.<MfaState>map(RedisMfaState::new).orElseGet(() -> new InMemoryMfaState(clock));
            return new SecondFactors(settings, new TotpRecords(dataSource), state, clock);
        }
    }
}
