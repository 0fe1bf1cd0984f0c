package io.gatehouse.server.console;

import io.gatehouse.server.auth.SessionLiveness;
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
 */
final class ConsoleGate {
    /** The session attribute holding the SHA-256 of the cookie secret. */
    static final String ATTRIBUTE = "console";

    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Pattern COOKIE = Pattern.compile("([A-Za-z0-9_.-]{1,200})~([A-Za-z0-9_-]{43})");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionLiveness sessions;
    private final UserProfiles profiles;
    private final String publicUrl;
    private final boolean https;

    /** @param publicUrl {@code gatehouse.server.public-url}; https turns on {@code Secure} and the {@code __Host-} prefix */
    ConsoleGate(SessionLiveness sessions, UserProfiles profiles, String publicUrl) {
        this.sessions = sessions;
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
        return user.map(u -> new ConsoleUser(u, session.get(), sha256("csrf:" + secret)));
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

    /** As {@link #require} and the user must be an administrator (403 otherwise). */
    ConsoleUser requireAdmin(ServerRequest req, boolean change) {
        ConsoleUser user = require(req, change);
        if (!user.isAdmin()) {
            throw forbidden("this page is for administrators");
        }
        return user;
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
