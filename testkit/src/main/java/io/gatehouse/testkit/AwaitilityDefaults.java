package io.gatehouse.testkit;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes every {@code await()} in a test JVM that has the testkit on its class path check its condition at once
 * and then every 10 ms.
 *
 * <p>Awaitility's defaults wait 100 ms before the first check and between checks, so an {@code await()} whose
 * condition already holds still costs 100 ms; the suite awaits thousands of times (a propagation test awaits
 * in every one of its rounds), which added minutes to every run without making any test stricter. Polling
 * Redis or an in-memory store every 10 ms costs nothing measurable. A test that polls something expensive
 * sets its own {@code pollInterval}, which still wins. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, so no test has to opt in.
 */
public final class AwaitilityDefaults implements LauncherSessionListener {
    static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultPollInterval(POLL_INTERVAL);
    }
}
