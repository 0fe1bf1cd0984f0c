package io.gatehouse.server.http;

/** Told about every finished request; the metrics package implements it. */
@FunctionalInterface
public interface RequestObserver {
    /**
     * @param method upper-case method, or {@code OTHER} for non-standard ones (bounded label set)
     * @param route  the route template, {@value Exchange#UNMATCHED} or {@code preflight}
     * @param status the response status
     * @param nanos  time from the filter's start to the handler's return
     */
    void completed(String method, String route, int status, long nanos);
}
