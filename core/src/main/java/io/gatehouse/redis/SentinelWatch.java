package io.gatehouse.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Why: Lettuce asks the Sentinels for the master only when it (re)connects. After a failover whose old
 * master is still up (SENTINEL FAILOVER, a partitioned master that comes back), nothing drops the
 * connections to the demoted node: writes on it either fail READONLY or, worse, succeed on a node that
 * is no master for the Sentinels any more, until Sentinel converts it into a replica (it waits 4 publish
 * periods, 8 s, then kills its clients). Sentinel announces every switch on its +switch-master channel;
 * subscribing there and reconnecting at once brings the client to the new master about as soon as it
 * exists.
 *
 * Best effort: a Sentinel that cannot be subscribed to is logged and skipped; the failover is then still
 * followed on the next reconnect, only later.
 */
final class SentinelWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SentinelWatch.class);
    static final String CHANNEL = "+switch-master";

    private final List<StatefulRedisPubSubConnection<String, String>> subscriptions = new ArrayList<>();
    private volatile String lastSwitch = "";

    /**
     * @param onSwitch called with the new master's address ({@code host:port}) once per switch of
     *                 {@code masterName}, on a Lettuce I/O thread
     * @param timeout  how long to wait for each Sentinel's SUBSCRIBE (Lettuce times no command itself)
     */
    SentinelWatch(
            RedisClient client,
            List<RedisURI> sentinels,
            String masterName,
            Duration timeout,
            Consumer<String> onSwitch) {
        for (RedisURI sentinel : sentinels) {
            try {
                StatefulRedisPubSubConnection<String, String> ps = client.connectPubSub(StringCodec.UTF8, sentinel);
                ps.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        // "<master name> <old ip> <old port> <new ip> <new port>"
                        String[] f = message.split(" ");
                        if (f.length == 5 && f[0].equals(masterName)) {
                            String address = f[3] + ":" + f[4];
                            // Every Sentinel announces the same switch: act once.
                            synchronized (SentinelWatch.this) {
                                if (address.equals(lastSwitch)) {
                                    return;
                                }
                                lastSwitch = address;
                            }
                            onSwitch.accept(address);
                        }
                    }
                });
                ps.setTimeout(timeout);
                ps.sync().subscribe(CHANNEL);
                subscriptions.add(ps);
            } catch (RuntimeException e) {
                log.warn(
                        "Cannot watch Sentinel {}:{} for failovers ({}); a failover is followed on reconnect only",
                        sentinel.getHost(),
                        sentinel.getPort(),
                        e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        subscriptions.forEach(StatefulRedisPubSubConnection::closeAsync);
    }
}
