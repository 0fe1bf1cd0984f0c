package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Every log line of the process while attached, encoded by the production encoder (JSON lines, with MDC and
 * structured arguments), so a test can scan exactly what would reach a log shipper: the mail flows
 * ({@code AccountMailContractTest}) and the second-factor flows ({@code SecondFactorConsoleIntegrationTest}) check that
 * no secret reaches one.
 */
public final class CapturedLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final LogstashEncoder encoder = new LogstashEncoder();
    private final List<String> lines = new ArrayList<>();

    public static CapturedLog attach() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        CapturedLog log = new CapturedLog();
        log.setContext(ctx);
        log.encoder.setContext(ctx);
        log.encoder.start();
        log.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(log);
        return log;
    }

    @Override
    protected void append(ILoggingEvent event) {
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        synchronized (lines) {
            lines.add(line);
        }
    }

    /** The lines so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * Asserts that the lines so far are not empty (the scan is not vacuous) and that none carries one of
     * {@code secrets} (as a substring) or matches one of {@code patterns}.
     */
    public void assertNoneCarries(Collection<String> secrets, Collection<Pattern> patterns) {
        List<String> all = lines();
        assertThat(all)
                .as("the flows logged something (the scan is not vacuous)")
                .isNotEmpty();
        for (String secret : secrets) {
            assertThat(all).as("no log line carries a secret the test used").noneMatch(l -> l.contains(secret));
        }
        for (Pattern p : patterns) {
            assertThat(all)
                    .as("no log line matches " + p)
                    .noneMatch(l -> p.matcher(l).find());
        }
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }
}
