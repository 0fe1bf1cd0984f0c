package io.gatehouse.server.mail;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends mail in the background, so a request never waits for (or fails because of) the mail server:
 * {@link #send} queues the message and returns. A failed delivery is tried again after
 * {@code gatehouse.mail.retry-backoff}, doubled each time, up to {@code gatehouse.mail.attempts} tries; then the
 * message is dropped with an error line. The queue lives in this process: messages still waiting when the server
 * stops are lost (logged), which for verification and reset links means the user asks for a new one.
 *
 * <p>Log lines name the recipient redacted ({@code a***@example.com}), the subject and where the message went (the
 * SMTP server, or the outbox file), never a body: bodies carry single-use tokens.
 *
 * <p>Metrics, by template kind: {@code gatehouse_mail_sent_total} (delivered), {@code gatehouse_mail_failed_total}
 * (failed attempts), {@code gatehouse_mail_retried_total} (failed attempts tried again later) and
 * {@code gatehouse_mail_dropped_total} (given up on: attempts spent, or the server stopping).
 */
public final class Mailer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    private static final String[] SENT = {"gatehouse.mail.sent", "Messages delivered (SMTP server or outbox), by kind"};
    private static final String[] FAILED = {"gatehouse.mail.failed", "Failed delivery attempts, by template kind"};
    private static final String[] RETRIED = {
        "gatehouse.mail.retried", "Failed delivery attempts tried again later, by template kind"
    };
    private static final String[] DROPPED = {
        "gatehouse.mail.dropped", "Messages given up on (attempts spent, or the server stopping), by template kind"
    };
    private static final String[][] COUNTERS = {SENT, FAILED, RETRIED, DROPPED};

    private final MailSettings settings;
    private final MailTransport transport;
    private final ScheduledExecutorService executor;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final MeterRegistry registry;

    private Mailer(MailSettings settings, MailTransport transport, MeterRegistry registry) {
        this.settings = settings;
        this.transport = transport;
        this.registry = registry;
        // Every kind at 0 from the start, so a rate or an alert has a series before the first message.
        for (MailTemplates.Template t : MailTemplates.Template.values()) {
            for (String[] c : COUNTERS) {
                counter(c[0], c[1], t.file);
            }
        }
        // Two threads: a slow SMTP server holds one for up to the timeout; the other keeps the queue moving.
        this.executor = Executors.newScheduledThreadPool(
                2, Thread.ofPlatform().daemon().name("gatehouse-mail-", 0).factory());
    }

    /** Over SMTP when {@code gatehouse.mail.host} is set, else into the outbox directory; counted in {@code registry}. */
    public static Mailer start(MailSettings settings, Clock clock, MeterRegistry registry) {
        MailTransport t =
                settings.host().isPresent() ? new SmtpTransport(settings) : new OutboxTransport(settings, clock);
        Mailer m = new Mailer(settings, t, registry);
        log.info("mail goes to {}", settings, kv("mail", settings.toString()));
        return m;
    }

    /** Queues {@code mail}; returns at once. */
    public void send(Mail mail) {
        try {
            executor.execute(() -> attempt(mail, 1));
        } catch (RejectedExecutionException e) {
            drop(mail);
            log.warn("mail not sent, the server is stopping: {}", mail);
        }
    }

    /** Messages delivered since start (tests, metrics). */
    public long delivered() {
        return delivered.get();
    }

    /** Messages given up on since start. */
    public long dropped() {
        return dropped.get();
    }

    private void attempt(Mail mail, int attempt) {
        String where;
        try {
            where = transport.deliver(mail);
        } catch (Exception e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            count(FAILED, mail);
            if (attempt >= settings.attempts()) {
                drop(mail);
                log.error("mail dropped after {} attempts: {} ({})", attempt, mail, why);
                return;
            }
            Duration wait = settings.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 16));
            log.warn(
                    "mail not sent (attempt {} of {}), retrying in {}: {} ({})",
                    attempt,
                    settings.attempts(),
                    wait,
                    mail,
                    why);
            count(RETRIED, mail);
            try {
                executor.schedule(() -> attempt(mail, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                drop(mail);
                log.warn("mail not sent, the server is stopping: {}", mail);
            }
            return;
        }
        delivered.incrementAndGet();
        count(SENT, mail);
        if (settings.host().isPresent()) {
            log.info("mail sent: {} via {}", mail, where);
        } else {
            log.info("mail written to the outbox: {} in {}", mail, where, kv("outbox_file", where));
        }
    }

    private void drop(Mail mail) {
        dropped.incrementAndGet();
        count(DROPPED, mail);
    }

    private void count(String[] counter, Mail mail) {
        counter(counter[0], counter[1], mail.kind()).increment();
    }

    private Counter counter(String name, String description, String kind) {
        // Kinds are the fixed template names: a bounded label.
        return Counter.builder(name).description(description).tag("kind", kind).register(registry);
    }

    /** Lets queued deliveries finish for a few seconds; retries still scheduled are dropped (logged). */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("mail still queued at shutdown is dropped");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
