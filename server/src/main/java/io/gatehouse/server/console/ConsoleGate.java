package io.gatehouse.server.console;

import io.gatehouse.server.auth.SessionLiveness;
import io.gatehouse.server.auth.StepUp;
import io.gatehouse.server.http.Exchange;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.session.Session;
import io.gatehouse.session.SessionInputException;
import io.gatehouse.user.User;
import io.gatehouse.user.UserProfiles;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The console's door: who a browser request is, and whether it may act.
 *
 * <p>The cookie is {@code <session id>~<secret>} (the one place the secret session id is handed out; a handle in
 * its place opens nothing): the session id finds the Gatehouse session (so any instance
 * can answer, nothing is held in one process), the 256-bit secret proves the cookie was issued at sign-in
 * (the session keeps only its SHA-256, attribute {@value #ATTRIBUTE}). Session ids alone never open the
 * console, and a session created by an API login has no such attribute, so no token or API session is
 * accepted in place of the cookie; the cookie is not a token and the Bearer check never reads cookies.
 *
 * <p>Every console API request must come from the console's own origin: {@code Sec-Fetch-Site} is
 * {@code same-origin} when the browser sends it, and {@code Origin}, when sent, is the server's own (the public
 * URL, or the scheme of the public URL with the request's {@code Host}). A state change must also carry
 * {@code X-CSRF-Token}, derived from the cookie secret, which only a page of this origin can read.
 *
 * <p>Sensitive actions ({@link #requireRecent}, and every admin change) need an authentication within
 * {@code gatehouse.auth.recent-auth}, as the API's step-up ({@link StepUp}): the sign-in, or the last
 * reauthentication (session attribute {@value #AUTH_TIME}, epoch seconds). Otherwise 401
 * {@code insufficient-user-authentication}: the page asks for the password (and code) again and repeats the action.
 *
 * <p>A second, long-lived cookie names the browser ({@link #deviceCookieName}, 256 random bits): it is the device
 * fingerprint of console sign-ins, so a browser the user trusts skips the second factor, as a trusted device of
 * the API does.
 */
final class ConsoleGate {
    /** The session attribute holding the SHA-256 of the cookie secret. */
    static final String ATTRIBUTE = "console";

    /** The session attribute holding when the user last proved who they are (epoch seconds), after a sign-in. */
    static final String AUTH_TIME = "auth_time";

    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** How long a browser keeps its device cookie: 400 days, the most browsers allow. */
    private static final long DEVICE_MAX_AGE = 400L * 24 * 3600;

    private static final Pattern COOKIE = Pattern.compile("([A-Za-z0-9_.-]{1,200})~([A-Za-z0-9_-]{43})");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionLiveness sessions;
    private final UserProfiles profiles;
    private final String publicUrl;
    private final boolean https;
    private final StepUp stepUp;

    /** @param publicUrl {@code gatehouse.server.public-url}; https turns on {@code Secure} and the {@code __Host-} prefix */
    ConsoleGate(SessionLiveness sessions, UserProfiles profiles, String publicUrl, StepUp stepUp) {
        this.sessions = sessions;
        this.stepUp = stepUp;
        this.profiles = profiles;
        this.publicUrl = publicUrl;
        this.https = publicUrl.startsWith("https://");
    }

    String cookieName() {
        return https ? "__Host-gatehouse-console" : "gatehouse-console";
    }

    /** A fresh cookie secret and the session attribute that goes with it. */
    record Issued(String secret, Map<String, String> attributes) {}

    Issued issue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = B64.encodeToString(bytes);
        return new Issued(secret, Map.of(ATTRIBUTE, sha256("cookie:" + secret)));
    }

    /** The {@code Set-Cookie} value for a signed-in browser (a session cookie: it goes when the browser closes). */
    String setCookie(String sessionId, String secret) {
        return cookieName() + "=" + sessionId + "~" + secret + "; Path=/; HttpOnly; SameSite=Strict"
                + (https ? "; Secure" : "");
    }

    String deviceCookieName() {
        return https ? "__Host-gatehouse-device" : "gatehouse-device";
    }

    /** This browser's device cookie, if it has a well-formed one. */
    Optional<String> device(ServerRequest req) {
        return req.headers()
                .cookies()
                .first(deviceCookieName())
                .asOptional()
                .filter(v -> DEVICE.matcher(v).matches());
    }

    /** A new device value and its {@code Set-Cookie} (persistent: it outlives the sign-in). */
    record Device(String value, String setCookie) {
        @Override
        public String toString() {
            return "Device[...]";
        }
    }

    Device newDevice() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = B64.encodeToString(bytes);
        return new Device(
                value,
                deviceCookieName() + "=" + value + "; Path=/; Max-Age=" + DEVICE_MAX_AGE + "; HttpOnly; SameSite=Strict"
                        + (https ? "; Secure" : ""));
    }

    String clearCookie() {
        return cookieName() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "");
    }

    /** The signed-in user of {@code req}, if its cookie names a live session it was issued for and the user is active. */
    Optional<ConsoleUser> user(ServerRequest req) {
        Optional<String> value = req.headers().cookies().first(cookieName()).asOptional();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        var m = COOKIE.matcher(value.get());
        if (!m.matches()) {
            return Optional.empty();
        }
        String secret = m.group(2);
        Optional<Session> session;
        try {
            session = sessions.touchInStoreById(m.group(1));
        } catch (SessionInputException e) {
            return Optional.empty(); // not a session id (a handle, say): nobody is signed in with it
        }
        if (session.isEmpty()) {
            return Optional.empty();
        }
        String stored = session.get().attributes().get(ATTRIBUTE);
        if (stored == null
                || !MessageDigest.isEqual(
                        stored.getBytes(StandardCharsets.US_ASCII),
                        sha256("cookie:" + secret).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        Optional<User> user = profiles.get(session.get().userId()).filter(User::active);
        user.ifPresent(u -> Exchange.of(req).userId(u.id()));
        return user.map(u -> new ConsoleUser(u, session.get(), m.group(1), sha256("csrf:" + secret)));
    }

    /**
     * The signed-in user of a console API request from this origin.
     *
     * @param change whether the request changes state (then the CSRF token is required too)
     * @throws ProblemException 403 (foreign origin, missing or wrong CSRF token) or 401 (not signed in)
     */
    ConsoleUser require(ServerRequest req, boolean change) {
        sameOrigin(req);
        ConsoleUser user = user(req)
                .orElseThrow(() -> new ProblemException(
                        Problem.typed("unauthenticated", 401, "Unauthorized", "sign in to the console first")));
        if (change) {
            String sent = req.headers().first(HeaderNames.create(CSRF_HEADER)).orElse("");
            if (!MessageDigest.isEqual(
                    sent.getBytes(StandardCharsets.UTF_8), user.csrf().getBytes(StandardCharsets.UTF_8))) {
                throw forbidden("the CSRF token is missing or wrong; reload the page");
            }
        }
        return user;
    }

    /** As {@link #require} and the user must be an administrator (403 otherwise); a change needs a recent authentication. */
    ConsoleUser requireAdmin(ServerRequest req, boolean change) {
        ConsoleUser user = require(req, change);
        if (!user.isAdmin()) {
            throw forbidden("this page is for administrators");
        }
        if (change) {
            recent(user);
        }
        return user;
    }

    /**
     * A state change by the signed-in user that needs a recent authentication (step-up).
     *
     * @throws ProblemException as {@link #require}, or 401 {@code insufficient-user-authentication} with {@code max_age}
     */
    ConsoleUser requireRecent(ServerRequest req) {
        return recent(require(req, true));
    }

    private ConsoleUser recent(ConsoleUser user) {
        if (!stepUp.recent(Optional.of(authTime(user.session())))) {
            long seconds = stepUp.window().toSeconds();
            throw new ProblemException(Problem.typed(
                            "insufficient-user-authentication",
                            401,
                            "Unauthorized",
                            "this action needs an authentication within the last " + seconds
                                    + " seconds: confirm your password (POST /account/api/reauthenticate)")
                    .with("max_age", seconds));
        }
        return user;
    }

    /** When the user of a console session last proved who they are: the last reauthentication, else the sign-in. */
    static Instant authTime(Session session) {
        String at = session.attributes().get(AUTH_TIME);
        if (at != null) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(at));
            } catch (NumberFormatException e) {
                // Not written by this class: fall back to the sign-in.
            }
        }
        return session.createdAt();
    }

    /** Refuses a request that a browser says comes from another site or origin (403). */
    void sameOrigin(ServerRequest req) {
        Optional<String> site = req.headers().first(HeaderNames.create("Sec-Fetch-Site"));
        if (site.isPresent() && !site.get().equals("same-origin")) {
            throw forbidden("console requests must come from the console's own pages");
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !isOwnOrigin(origin.get(), req)) {
            throw forbidden("console requests must come from the console's own origin");
        }
        if (site.isEmpty() && origin.isEmpty()) {
            // Not a browser's fetch (every browser that runs the console sends one of them): refuse.
            throw forbidden("console requests must come from the console's own pages");
        }
    }

    private boolean isOwnOrigin(String origin, ServerRequest req) {
        if (origin.equals(publicUrl)) {
            return true;
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        return !host.isEmpty() && origin.equals((https ? "https://" : "http://") + host);
    }

    private static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.typed("forbidden", 403, "Forbidden", detail));
    }

    static String sha256(String text) {
        try {
            return B64.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
