package io.gatehouse.server.http;

import java.util.Map;

/**
 * Thrown by a handler to answer with a problem (and optional headers such as {@code Allow} or
 * {@code Retry-After}); {@link Routes} turns it into the response.
 */
public final class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Problem problem;
    private final transient Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(
                problem.status() + " " + problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()),
                null,
                false,
                false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** 400 with a detail. */
    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.typed("invalid-request", 400, "Bad Request", detail));
    }
}
