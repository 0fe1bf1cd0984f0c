package io.gatehouse.server.http;

import io.gatehouse.cache.CacheException;
import io.gatehouse.error.InvalidInputException;
import io.gatehouse.session.SessionConflictException;
import io.gatehouse.session.SessionLimitExceededException;
import io.gatehouse.store.StoreDurabilityException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreFullException;
import io.gatehouse.token.TokenRejectedException;
import io.gatehouse.user.EmailTakenException;
import io.gatehouse.user.FieldError;
import io.gatehouse.user.HashingBusyException;
import io.gatehouse.user.InvalidUserInputException;
import io.gatehouse.user.UnknownUserException;
import io.gatehouse.user.UserStoreException;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one mapping from what a handler threw to the problem sent back: each typed core
 * exception ({@link io.gatehouse.error.GatehouseException} subtypes) maps to one problem type here. Client
 * mistakes are 4xx with a useful detail; unavailable backends are 503; anything unexpected, including an
 * {@link IllegalArgumentException} from a bug, is a 500 whose body says nothing about internals (the log
 * has the stack trace, under the same request id). The OAuth endpoints render the same outcomes in the
 * RFC 6749 error format ({@code OAuthRoutes}), and the auth routes their own flow failures
 * ({@code AuthFailure}), before anything reaches here.
 */
final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    static ProblemException toProblem(Throwable t) {
        if (t instanceof ProblemException p) {
            return p;
        }
        if (t instanceof InvalidInputException e) {
            // Core input refusals carry a message written for the caller (never a secret or a token).
            return new ProblemException(Problem.typed("validation", 400, "Invalid request", e.getMessage()));
        }
        if (t instanceof SessionLimitExceededException e) {
            return new ProblemException(Problem.typed("session-limit", 409, "Too many sessions", e.getMessage()));
        }
        if (t instanceof SessionConflictException e) {
            return new ProblemException(
                    Problem.typed("conflict", 409, "Conflict", e.getMessage()), Map.of("Retry-After", "1"));
        }
        if (t instanceof TokenRejectedException) {
            return new ProblemException(
                    Problem.of(401, "Unauthorized", "the token is not valid"),
                    Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
        }
        if (t instanceof InvalidUserInputException e) {
            List<Map<String, String>> errors =
                    e.errors().stream().map(Errors::field).toList();
            return new ProblemException(
                    Problem.typed("validation", 400, "Invalid request", "the request has invalid fields")
                            .with("errors", errors));
        }
        if (t instanceof EmailTakenException) {
            return new ProblemException(Problem.typed(
                    "email-taken", 409, "Email already registered", "a user with this email already exists"));
        }
        if (t instanceof UnknownUserException) {
            return new ProblemException(Problem.of(404, "Not Found", "no such user"));
        }
        if (t instanceof StoreFullException) {
            log.warn("store full: {}", t.toString());
            return new ProblemException(
                    Problem.typed(
                            "store-full",
                            503,
                            "Service Unavailable",
                            "the store is out of memory and refused the write; nothing was changed, retry later"),
                    Map.of("Retry-After", "5"));
        }
        if (t instanceof StoreDurabilityException) {
            log.warn("write not confirmed by replicas: {}", t.toString());
            return new ProblemException(
                    Problem.typed(
                            "not-durable",
                            503,
                            "Service Unavailable",
                            "the change was not confirmed by enough replicas and is not acknowledged; retry later"),
                    Map.of("Retry-After", "1"));
        }
        if (t instanceof HashingBusyException) {
            return new ProblemException(
                    Problem.typed(
                            "busy", 503, "Service Unavailable", "the server is busy checking passwords; retry shortly"),
                    Map.of("Retry-After", "1"));
        }
        if (t instanceof UserStoreException || t instanceof StoreException || t instanceof CacheException) {
            log.warn("backend unavailable: {}", t.toString());
            return new ProblemException(
                    Problem.typed(
                            "unavailable", 503, "Service Unavailable", "a backend store is unavailable; retry later"),
                    Map.of("Retry-After", "1"));
        }
        if (t instanceof RequestException e && e.status().code() < 500) {
            return new ProblemException(Problem.of(e.status().code(), e.status().reasonPhrase(), null));
        }
        if (t instanceof HttpException e && e.status().code() < 500) {
            return new ProblemException(Problem.of(e.status().code(), e.status().reasonPhrase(), null));
        }
        // A bug (an IllegalArgumentException or IllegalStateException from anywhere, a ConfigException
        // after startup, ...): generic body, the stack trace in the log under the request id.
        log.error("unexpected error while handling a request", t);
        return new ProblemException(Problem.of(
                500, "Internal Server Error", "an unexpected error occurred; quote the request id when reporting it"));
    }

    private static Map<String, String> field(FieldError e) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("field", e.field());
        m.put("message", e.message());
        return m;
    }
}
