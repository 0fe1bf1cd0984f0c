package io.gatehouse.bench;

import io.gatehouse.backend.Stores;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.session.NewSession;
import io.gatehouse.session.SessionStore;
import java.util.concurrent.ThreadLocalRandom;

/** The sessions both sides store in the session benchmarks: a realistic login (IPv4, browser user agent, device cookie). */
final class SessionWorkload {
    static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36",
    };

    private SessionWorkload() {}

    /** Gatehouse on this Redis with fixed test keys (the keys do not change the cost). */
    static SessionStore gatehouse(Stores stores, String... settings) {
        GatehouseConfig.Builder b = GatehouseConfig.builder()
                .set("gatehouse.sessions.mac-key", "YmVuY2gtbWFjLWtleS0zMi1ieXRlcy1sb25nLWVub3VnaCE=")
                .set("gatehouse.sessions.device-key", "YmVuY2gtZGV2aWNlLWtleS0zMi1ieXRlcy1sb25nLWVub3VnaA==");
        for (int i = 0; i + 1 < settings.length; i += 2) {
            b.set(settings[i], settings[i + 1]);
        }
        return SessionStore.builder().config(b.build()).stores(stores).build();
    }

    /** A user id shaped like a database key. */
    static String user(long n) {
        return "user-" + n;
    }

    static String ip() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    static String userAgent() {
        return USER_AGENTS[ThreadLocalRandom.current().nextInt(USER_AGENTS.length)];
    }

    static String fingerprint() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    static NewSession login(String user) {
        return NewSession.forUser(user)
                .ip(ip())
                .userAgent(userAgent())
                .fingerprint(fingerprint())
                .build();
    }
}
