package io.gatehouse.server.recovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.account.Accounts;
import io.gatehouse.account.Actor;
import io.gatehouse.emailtoken.EmailTokenClaim;
import io.gatehouse.emailtoken.EmailTokenPurpose;
import io.gatehouse.emailtoken.EmailTokens;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimitResponse;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.RatePolicies;
import io.gatehouse.ratelimit.RatePolicy;
import io.gatehouse.server.auth.AuthAnswers;
import io.gatehouse.server.auth.AuthFailure;
import io.gatehouse.server.auth.AuthSettings;
import io.gatehouse.server.auth.ClientInfo;
import io.gatehouse.server.auth.LoginService;
import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.Problem;
import io.gatehouse.server.http.ProblemException;
import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.gatehouse.user.User;
import io.gatehouse.user.UserService;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Email verification and password reset ({@code /api/v1/auth/verify-email*}, {@code /api/v1/auth/password-reset*}).
 *
 * <p>The two routes that mail on request (resend, reset) answer {@code 202} with the same body whether or not the
 * address has an account, after nothing but the rate limits ({@value AuthSettings#MAIL_IP} per address,
 * {@value AuthSettings#MAIL_ACCOUNT} per address asked for, whether or not it exists): the lookup, the token and the
 * message happen in the background ({@link AccountMail}), so status, body, headers and time do not depend on it.
 *
 * <p>The two routes that take a token take it atomically (one Redis script): a token works once. A reset token is
 * bound to the password it was issued under, so it dies when the password changes by any route; the new password is
 * checked against the policy before the token is taken, so a weak one does not cost the link.
 */
public final class RecoveryRoutes implements RouteGroup {
    private static final Map<String, Object> ACCEPTED = Map.of(
            "status", "accepted",
            "detail", "if an account has this address and may receive this message, it is on its way");

    private final UserService users;
    private final Accounts accounts;
    private final EmailTokens tokens;
    private final AccountMail mail;
    private final RateLimiter limiter;
    private final RatePolicy perIp;
    private final RatePolicy perAccount;
    private final Clock clock;
    private final long maxBodyBytes;

    public RecoveryRoutes(
            UserService users,
            Accounts accounts,
            RateLimiter limiter,
            RatePolicies policies,
            Clock clock,
            EmailTokens tokens,
            AccountMail mail,
            long maxBodyBytes) {
        this.users = users;
        this.accounts = accounts;
        this.tokens = tokens;
        this.mail = mail;
        this.limiter = limiter;
        this.perIp = policies.policy(AuthSettings.MAIL_IP);
        this.perAccount = policies.policy(AuthSettings.MAIL_ACCOUNT);
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/v1/auth/verify-email", this::verify);
        routes.post("/api/v1/auth/verify-email/resend", this::resend);
        routes.post("/api/v1/auth/password-reset", this::requestReset);
        routes.post("/api/v1/auth/password-reset/confirm", this::confirmReset);
    }

    /** JSON {@code {token}} → 200 {@code {email_verified: true}}; 400 when the token is not (or no longer) good. */
    private void verify(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        String token = Json.requiredString(body, "token");
        ClientInfo client = ClientInfo.of(req);
        Optional<EmailTokenClaim> claim = tokens.take(EmailTokenPurpose.VERIFY_EMAIL, token);
        // The address the link was mailed to must still be the user's.
        Optional<User> user =
                claim.flatMap(c -> users.find(c.userId()).filter(u -> u.email().equals(c.binding())));
        if (user.isEmpty()) {
            throw invalidToken("verification");
        }
        Actor actor = new Actor(
                Actor.Kind.SELF, user.get().id(), Optional.empty(), Optional.of(client.ip()), client.userAgent());
        accounts.verifyEmail(user.get().id(), actor);
        Json.send(res, 200, Map.of("email_verified", true));
    }

    /** JSON {@code {email}} → 202 always (a new link is mailed if the account exists and is unverified); 429. */
    private void resend(ServerRequest req, ServerResponse res) {
        String email = Json.requiredString(Json.readObject(req, maxBodyBytes), "email");
        RateLimitResponse limits = limit(email, ClientInfo.of(req));
        mail.resendVerification(email);
        accepted(res, limits);
    }

    /** JSON {@code {email}} → 202 always (a link is mailed if the account exists); 429. */
    private void requestReset(ServerRequest req, ServerResponse res) {
        String email = Json.requiredString(Json.readObject(req, maxBodyBytes), "email");
        ClientInfo client = ClientInfo.of(req);
        RateLimitResponse limits = limit(email, client);
        mail.passwordReset(email, client);
        accepted(res, limits);
    }

    /**
     * JSON {@code {token, new_password}} → 204: the password is set, every session of the user ended and every
     * token revoked ({@code password_reset}); 400 for a weak password (the token stays good) or a token that is not.
     */
    private void confirmReset(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodyBytes);
        String token = Json.requiredString(body, "token");
        String password = Json.requiredString(body, "new_password");
        ClientInfo client = ClientInfo.of(req);
        users.checkNewPassword(password);
        Optional<EmailTokenClaim> claim = tokens.take(EmailTokenPurpose.PASSWORD_RESET, token);
        if (claim.isEmpty()) {
            throw invalidToken("reset");
        }
        Instant boundTo;
        try {
            boundTo = Instant.parse(claim.get().binding());
        } catch (DateTimeParseException e) {
            throw invalidToken("reset");
        }
        String userId = claim.get().userId();
        Actor actor =
                new Actor(Actor.Kind.SELF, userId, Optional.empty(), Optional.of(client.ip()), client.userAgent());
        if (accounts.resetPassword(userId, password, boundTo, actor).isEmpty()) {
            throw invalidToken("reset");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    /** Both limits, spent whether or not the address has an account: a refusal tells nothing about it. */
    private RateLimitResponse limit(String email, ClientInfo client) {
        Decision ip = limiter.decide(perIp, client.limitKey());
        RateLimitResponse limits = RateLimitResponse.of(perIp, ip, clock.instant());
        if (!ip.allowed()) {
            throw AuthAnswers.problem(AuthFailure.rateLimited(limits));
        }
        Decision account = limiter.decide(perAccount, LoginService.accountSubject(email));
        if (!account.allowed()) {
            throw AuthAnswers.problem(
                    AuthFailure.rateLimited(RateLimitResponse.of(perAccount, account, clock.instant())));
        }
        return limits;
    }

    private static void accepted(ServerResponse res, RateLimitResponse limits) {
        limits.headers().forEach(res::header);
        Json.send(res, 202, ACCEPTED);
    }

    private static ProblemException invalidToken(String what) {
        return new ProblemException(Problem.typed(
                "invalid-email-token",
                400,
                "Bad Request",
                "this " + what + " link is not valid: it was used already, has expired, or was replaced"
                        + (what.equals("reset") ? " (the password changed since); ask for a new one" : "")));
    }
}
