package io.gatehouse.spring.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Applies a named Gatehouse rate-limit policy ({@code gatehouse.ratelimit.policy.<name>.*}) to a Spring MVC
 * handler method, or to every handler of a controller. Refused requests get 429 with the server's headers
 * ({@code RateLimit-Policy}, {@code RateLimit}, {@code X-RateLimit-*}, {@code Retry-After}) and a problem body.
 *
 * <pre>{@code
 * @RateLimited(policy = "api-user")                       // per authenticated user, else per client address
 * @GetMapping("/reports") List<Report> reports() { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {
    /** The policy's name. */
    String policy();

    /** Whose budget a request spends. */
    Subject subject() default Subject.USER_OR_IP;

    /** Units a request costs (1 to the policy's burst). */
    long cost() default 1;

    /** Whose budget a request spends. */
    enum Subject {
        /** The authenticated user's name, or the client address for anonymous requests. */
        USER_OR_IP,
        /** The client address. */
        IP
    }
}
