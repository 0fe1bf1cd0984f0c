package io.gatehouse.server;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts a Gatehouse server from the environment's configuration (see {@code docs/SERVER.md}) and runs
 * until the process is stopped (SIGTERM/SIGINT close it in order: HTTP, database, stores).
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        // Helidon logs through java.util.logging: route it to SLF4J so every line is JSON.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        GatehouseServer server;
        try {
            server = GatehouseServer.start(GatehouseConfig.fromEnvironment());
        } catch (ConfigException e) {
            // One paragraph naming the setting at fault: no stack trace of client internals.
            log.error("Gatehouse cannot start: {}", oneLine(e.getMessage()));
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("Gatehouse stopping");
                            server.close();
                            stopped.countDown();
                        },
                        "gatehouse-shutdown"));
        stopped.await();
    }

    /** Drivers put line breaks in their messages (H2's lock error): a startup error stays one line. */
    static String oneLine(String message) {
        return message == null
                ? ""
                : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
