package io.gatehouse.ratelimit;

import java.util.List;

/** Where GCRA state lives: Redis, or this process's memory. */
interface GcraStore {
    /** One limit, atomically. */
    Decision decide(Check check, boolean peek);

    /**
     * Several limits (no policy and subject twice): allowed only if all allow, and a refused request
     * keeps nothing consumed. Decisions come back in the order of {@code checks}.
     */
    MultiDecision decideAll(List<Check> checks, boolean peek);

    /** Forgets a subject's state under a policy. */
    void reset(String policy, String subject);
}
