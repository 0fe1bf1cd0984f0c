package io.gatehouse.bench.session;

import io.gatehouse.Gatehouse;
import io.gatehouse.config.GatehouseConfig;
import io.gatehouse.spring.session.GatehouseSessionRepository;

/**
 * Gatehouse's side: the starter's {@link GatehouseSessionRepository} over {@code Gatehouse.open} with the
 * default session settings, as {@code @EnableGatehouseHttpSession} builds it (no Spring context needed).
 */
public final class GatehouseSide {
    private GatehouseSide() {}

    public static void main(String[] args) throws Exception {
        SessionSaveRun.main(args, url -> {
            Gatehouse gatehouse =
                    Gatehouse.open(GatehouseConfig.builder().redisUrl(url).build());
            return new SessionSide<>(
                    "gatehouse", new GatehouseSessionRepository(gatehouse.sessions(), gatehouse.clock()), gatehouse);
        });
    }
}
