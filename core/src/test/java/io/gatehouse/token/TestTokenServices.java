package io.gatehouse.token;

import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.testing.Backend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Builds a token service on a contract test's backend, the way every token test needs one. */
public final class TestTokenServices {
    private TestTokenServices() {}

    /**
     * A service on {@code backend} (the shared connector on Redis; keys in {@code dataDir}), with a
     * short blocking read so that {@code close()} is quick, plus any extra settings.
     */
    public static TokenService on(
            Backend backend, Path dataDir, Clock clock, TokenEventListener listener, Map<String, String> settings) {
        GatehouseConfig.Builder b =
                backend.configBuilder().dataDir(dataDir).set("gatehouse.tokens.revocation.read-block", "200ms");
        settings.forEach(b::set);
        TokenService.Builder tb =
                TokenService.builder().config(b.build()).clock(clock).listener(listener);
        if (backend.isRedis()) {
            tb.stores(backend.stores());
        }
        return tb.build();
    }

    /** Why {@code s} refuses {@code token} as an access token, or null when it accepts it. */
    static RejectReason reasonOf(TokenService s, String token) {
        try {
            s.verify(token);
            return null;
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    /** Why {@code call} was refused; fails when it was not. */
    static RejectReason reasonOf(Runnable call) {
        try {
            call.run();
        } catch (TokenRejectedException e) {
            return e.reason();
        }
        throw new AssertionError("expected a TokenRejectedException");
    }
}
