package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * When a wait for a reply spins and when it parks. A {@link Reply} counts how often the wait looked at it
 * and, for a reply that comes "while the caller spins", completes itself on the n-th look: no timing.
 */
class ReplyWaitTest {
    private static final Duration LONG_BUDGET = Duration.ofMillis(1);
    private static final Duration SHORT_BUDGET = Duration.ofNanos(1_000);

    private final AtomicInteger waiters = new AtomicInteger();

    /** A reply that completes itself the {@code arrivesOnLook}-th time a waiter looks (0: never by itself). */
    static final class Reply extends CompletableFuture<String> {
        private final int arrivesOnLook;
        final AtomicInteger looks = new AtomicInteger();

        Reply(int arrivesOnLook) {
            this.arrivesOnLook = arrivesOnLook;
        }

        @Override
        public boolean isDone() {
            if (looks.incrementAndGet() == arrivesOnLook) {
                complete("OK");
            }
            return super.isDone();
        }
    }

    private ReplyWait spinning(Duration budget) {
        return new ReplyWait(budget, waiters, 2);
    }

    @Test
    void aLoneCallerGetsAReplyThatArrivesWhileItSpins() throws Exception {
        Reply reply = new Reply(50);
        assertThat(waitFor(spinning(LONG_BUDGET), reply)).isEqualTo("OK");
        assertThat(reply.looks).as("it spun until the reply came").hasValue(50);
        assertThat(waiters).hasValue(0);
    }

    @Test
    void aReplyLaterThanTheBudgetIsWaitedForParked() throws Exception {
        ReplyWait wait = spinning(SHORT_BUDGET);
        Reply reply = new Reply(0);
        AtomicReference<String> got = new AtomicReference<>();
        Thread caller = platform(() -> got.set(call(wait, reply)));
        await().atMost(Duration.ofSeconds(30)).until(() -> caller.getState() == Thread.State.WAITING);
        reply.complete("late");
        caller.join();
        assertThat(got).hasValue("late");
        assertThat(reply.looks.get()).isGreaterThan(1);
    }

    @Test
    void aCallerDoesNotSpinWhileAnotherWaits() throws Exception {
        ReplyWait wait = spinning(LONG_BUDGET);
        Reply first = new Reply(0);
        Thread parked = platform(() -> call(wait, first));
        // The first caller spins its budget, then parks; it stays a waiter until its reply comes.
        await().atMost(Duration.ofSeconds(30)).until(() -> parked.getState() == Thread.State.WAITING);

        Reply second = new Reply(0);
        AtomicReference<String> got = new AtomicReference<>();
        Thread caller = platform(() -> got.set(call(wait, second)));
        await().atMost(Duration.ofSeconds(30)).until(() -> caller.getState() == Thread.State.WAITING);
        assertThat(second.looks).as("one look before parking, no spin").hasValue(1);

        second.complete("second");
        first.complete("first");
        caller.join();
        parked.join();
        assertThat(got).hasValue("second");
        assertThat(waiters).hasValue(0);
    }

    @Test
    void aVirtualThreadNeverSpins() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        ReplyWait wait = spinning(LONG_BUDGET);
        Reply reply = new Reply(0);
        AtomicReference<String> got = new AtomicReference<>();
        Thread caller = virtual(() -> got.set(call(wait, reply)));
        await().atMost(Duration.ofSeconds(30)).until(() -> caller.getState() == Thread.State.WAITING);
        assertThat(reply.looks).hasValue(1);
        reply.complete("OK");
        caller.join();
        assertThat(got).hasValue("OK");
    }

    @Test
    void noBudgetOrOneProcessorNeverSpins() throws Exception {
        for (ReplyWait wait :
                new ReplyWait[] {spinning(Duration.ZERO), new ReplyWait(LONG_BUDGET, waiters, 1), ReplyWait.PARKS}) {
            Reply reply = new Reply(0);
            AtomicReference<String> got = new AtomicReference<>();
            Thread caller = platform(() -> got.set(call(wait, reply)));
            await().atMost(Duration.ofSeconds(30)).until(() -> caller.getState() == Thread.State.WAITING);
            assertThat(reply.looks.get())
                    .as("at most a look before parking, no spin")
                    .isLessThanOrEqualTo(1);
            reply.complete("OK");
            caller.join();
            assertThat(got).hasValue("OK");
        }
        assertThat(waiters).as("waits that cannot spin do not count").hasValue(0);
    }

    @Test
    void repeatedMissesBackOffToAProbeAndAHitResumesSpinning() throws Exception {
        ReplyWait wait = spinning(SHORT_BUDGET);
        for (int i = 0; i < ReplyWait.MISSES_BEFORE_BACKOFF; i++) {
            missOnce(wait);
        }
        assertThat(wait.backedOff()).isTrue();

        // Backed off: lone waits do not spin, but every PROBE_EVERY-th does.
        for (int i = 1; i < ReplyWait.PROBE_EVERY; i++) {
            Reply reply = new Reply(2);
            assertThat(waitFor(wait, reply)).isEqualTo("OK");
            assertThat(reply.looks).as("wait %d after backing off", i).hasValue(1);
        }
        Reply probe = new Reply(2);
        assertThat(waitFor(wait, probe)).isEqualTo("OK");
        assertThat(probe.looks).as("the probe spins").hasValue(2);
        assertThat(wait.backedOff()).isFalse();

        Reply next = new Reply(3);
        assertThat(waitFor(wait, next)).isEqualTo("OK");
        assertThat(next.looks).as("spinning again").hasValue(3);
    }

    /** One lone wait whose reply comes only after the spin ended. */
    private void missOnce(ReplyWait wait) throws Exception {
        Reply reply = new Reply(0);
        Thread caller = platform(() -> call(wait, reply));
        await().atMost(Duration.ofSeconds(30)).until(() -> caller.getState() == Thread.State.WAITING);
        reply.complete("late");
        caller.join();
    }

    /**
     * A wait whose reply completes itself on a later look, or, if the wait does not look again (it parked
     * without spinning), is completed once the caller parks.
     */
    private static String waitFor(ReplyWait wait, Reply reply) throws Exception {
        AtomicReference<String> got = new AtomicReference<>();
        Thread caller = platform(() -> got.set(call(wait, reply)));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> caller.getState() == Thread.State.WAITING || caller.getState() == Thread.State.TERMINATED);
        reply.complete("OK");
        caller.join();
        return got.get();
    }

    private static Thread platform(Runnable r) {
        Thread t = new Thread(r, "reply-wait-test");
        t.start();
        return t;
    }

    // Thread.ofVirtual() is Java 21; these tests compile for 17 and run on 21 or later.
    private static Thread virtual(Runnable r) throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        return (Thread) Class.forName("java.lang.Thread$Builder")
                .getMethod("start", Runnable.class)
                .invoke(builder, r);
    }

    private static String call(ReplyWait wait, CompletableFuture<String> reply) {
        try {
            return wait.await(reply);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
