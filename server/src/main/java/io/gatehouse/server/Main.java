package io.gatehouse.server;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.store.HealthReport;
import io.gatehouse.store.Stores;
import io.gatehouse.store.TargetHealth;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a Gatehouse instance from the environment's configuration. The HTTP API arrives with the
 * server issue; until then this opens the configured stores, reports their health, and runs until
 * stopped, so the run command and the configuration path can already be exercised end to end.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        GatehouseConfig config;
        Stores stores;
        try {
            config = GatehouseConfig.fromEnvironment();
            Files.createDirectories(config.dataDir());
            stores = Stores.open(config);
        } catch (ConfigException e) {
            // One paragraph naming the setting at fault: no stack trace of client internals.
            log.error("Gatehouse cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        log.info("Gatehouse started: {}", config);
        HealthReport health = stores.health();
        for (TargetHealth t : health.targets()) {
            log.info("store {}: {}{}", t.target(), t.status().label(),
                    t.pingRoundTrip().map(d -> " (PING " + d.toNanos() / 1000 + " us)").orElse(""));
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stores.close();
            stop.countDown();
        }));
        stop.await();
    }
}
