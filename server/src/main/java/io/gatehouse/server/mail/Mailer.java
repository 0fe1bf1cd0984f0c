package io.gatehouse.server.mail;

import static net.logstash.logback.argument.StructuredArguments.kv;

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
 */
public final class Mailer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    private final MailSettings settings;
    private final MailTransport transport;
    private final ScheduledExecutorService executor;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    private Mailer(MailSettings settings, MailTransport transport) {
        this.settings = settings;
        this.transport = transport;
        // Two threads: a slow SMTP server holds one for up to the timeout; the other keeps the queue moving.
        this.executor = Executors.newScheduledThreadPool(
                2, Thread.ofPlatform().daemon().name("gatehouse-mail-", 0).factory());
    }

    /** Over SMTP when {@code gatehouse.mail.host} is set, else into the outbox directory. */
    public static Mailer start(MailSettings settings, Clock clock) {
        MailTransport t =
                settings.host().isPresent() ? new SmtpTransport(settings) : new OutboxTransport(settings, clock);
        Mailer m = new Mailer(settings, t);
        log.info("mail goes to {}", settings, kv("mail", settings.toString()));
        return m;
    }

    /** Queues {@code mail}; returns at once. */
    public void send(Mail mail) {
        try {
            executor.execute(() -> attempt(mail, 1));
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
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
            if (attempt >= settings.attempts()) {
                dropped.incrementAndGet();
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
            try {
                executor.schedule(() -> attempt(mail, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                dropped.incrementAndGet();
                log.warn("mail not sent, the server is stopping: {}", mail);
            }
            return;
        }
        delivered.incrementAndGet();
        if (settings.host().isPresent()) {
            log.info("mail sent: {} via {}", mail, where);
        } else {
            log.info("mail written to the outbox: {} in {}", mail, where, kv("outbox_file", where));
        }
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
