package io.gatehouse.server.http;

import io.gatehouse.user.EmailTakenException;
import io.gatehouse.user.FieldError;
import io.gatehouse.user.InvalidUserInputException;
import io.gatehouse.user.UnknownUserException;
import io.gatehouse.user.UserStoreException;
import io.gatehouse.store.StoreException;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps what a handler threw to the problem sent back. Client mistakes are 4xx with a useful detail;
 * unavailable backends are 503; anything unexpected is a 500 whose body says nothing about internals
 * (the log has the stack trace, under the same request id).
 */
final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    static ProblemException toProblem(Throwable t) {
        if (t instanceof ProblemException p) {
            return p;
        }
        if (t instanceof InvalidUserInputException e) {
            List<Map<String, String>> errors = e.errors().stream().map(Errors::field).toList();
            return new ProblemException(Problem.typed("validation", 400, "Invalid request",
                    "the request has invalid fields").with("errors", errors));
        }
        if (t instanceof EmailTakenException) {
            return new ProblemException(Problem.typed("email-taken", 409, "Email already registered",
                    "a user with this email already exists"));
        }
        if (t instanceof UnknownUserException) {
            return new ProblemException(Problem.of(404, "Not Found", "no such user"));
        }
        if (t instanceof UserStoreException || t instanceof StoreException) {
            log.warn("backend unavailable: {}", t.toString());
            return new ProblemException(Problem.typed("unavailable", 503, "Service Unavailable",
                    "a backend store is unavailable; retry later"), Map.of("Retry-After", "1"));
        }
        if (t instanceof RequestException e && e.status().code() < 500) {
            return new ProblemException(Problem.of(e.status().code(), e.status().reasonPhrase(), null));
        }
        if (t instanceof HttpException e && e.status().code() < 500) {
            return new ProblemException(Problem.of(e.status().code(), e.status().reasonPhrase(), null));
        }
        log.error("unexpected error while handling a request", t);
        return new ProblemException(Problem.of(500, "Internal Server Error",
                "an unexpected error occurred; quote the request id when reporting it"));
    }

    private static Map<String, String> field(FieldError e) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("field", e.field());
        m.put("message", e.message());
        return m;
    }
}
