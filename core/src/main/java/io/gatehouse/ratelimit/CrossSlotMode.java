package io.gatehouse.ratelimit;

/**
 * How {@link RateLimiter#decideAll} decides limits whose keys live in different Cluster slots (different
 * subjects), where no single script can see them all. Within one slot (one subject) the decision is
 * always one atomic script.
 *
 * <p>Both modes guarantee: a request is admitted only if every limit admitted it at its own atomic
 * moment (never more than each limit allows), and when the call returns refused, none of the limits
 * keeps anything it consumed. They differ in what happens before the call returns.
 */
public enum CrossSlotMode {
    /**
     * One pipelined round trip in which every slot group consumes only if all of its own limits allow;
     * if another group refused, a second round trip gives back exactly what was taken. The common case
     * (all allow) costs one round trip; a refused request holds units of the other limits for about one
     * round trip, during which a concurrent request on them may be refused that would otherwise have
     * passed (never admitted that should not).
     */
    OPTIMISTIC,
    /**
     * A pipelined peek round trip first; only when every limit would allow, a second round trip
     * consumes (and, if a limit changed its mind in between, a third gives back). A request refused at
     * the peek never touches the other limits, at the price of two round trips for every admitted one.
     */
    PEEK_FIRST
}
