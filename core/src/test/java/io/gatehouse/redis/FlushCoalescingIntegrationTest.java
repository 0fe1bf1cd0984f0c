package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.store.RedisCommandListener;
import io.gatehouse.testkit.StandaloneRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FlushCoalescing} on a real Lettuce connection to redis-server: commands that reach the event loop
 * together go out in one flush (one send), a lone command and a command sent from a reply callback still go
 * out, and the connector's client resources install it. Flushes are counted by a handler at the head of the
 * pipeline, the last an outbound event passes before the socket. "Together" is made deterministic by
 * holding the connection's event loop in a task while the commands are queued behind it.
 */
class FlushCoalescingIntegrationTest {
    private static final int COMMANDS = 100;

    private static StandaloneRedis redis;

    @BeforeAll
    static void start() {
        redis = StandaloneRedis.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    /** Counts the flushes that reach the socket. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }

    /** One Lettuce connection, with or without flush coalescing, its channel and its flush count. */
    private record Client(
            ClientResources resources,
            RedisClient client,
            StatefulRedisConnection<String, String> connection,
            Channel channel,
            FlushCounter counter)
            implements AutoCloseable {
        static Client connect(boolean coalescing) {
            FlushCounter counter = new FlushCounter();
            AtomicReference<Channel> channel = new AtomicReference<>();
            ClientResources resources = ClientResources.builder()
                    .nettyCustomizer(new NettyCustomizer() {
                        @Override
                        public void afterChannelInitialized(Channel ch) {
                            if (coalescing) {
                                new FlushCoalescing().afterChannelInitialized(ch);
                            }
                            ch.pipeline().addFirst(counter);
                            channel.set(ch);
                        }
                    })
                    .build();
            RedisURI uri = RedisURI.create(redis.url());
            uri.setTimeout(Duration.ofSeconds(30)); // a lost flush fails the test instead of hanging it
            RedisClient client = RedisClient.create(resources, uri);
            StatefulRedisConnection<String, String> connection = client.connect();
            return new Client(resources, client, connection, channel.get(), counter);
        }

        /** Queues {@code COMMANDS} SETs while the event loop is held, then lets it run; returns their flushes. */
        int flushesOfCommandsQueuedTogether(String prefix) throws Exception {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            channel.eventLoop().execute(() -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            int before = counter.flushes.get();
            RedisAsyncCommands<String, String> async = connection.async();
            List<RedisFuture<String>> replies = new ArrayList<>();
            for (int i = 0; i < COMMANDS; i++) {
                replies.add(async.set(prefix + i, "v" + i));
            }
            release.countDown();
            for (RedisFuture<String> reply : replies) {
                assertThat(reply.get(30, TimeUnit.SECONDS)).isEqualTo("OK");
            }
            int flushes = counter.flushes.get() - before;
            for (int i = 0; i < COMMANDS; i += 33) {
                assertThat(connection.sync().get(prefix + i)).isEqualTo("v" + i);
            }
            return flushes;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
            resources.shutdown();
        }
    }

    @Test
    void commandsQueuedTogetherGoOutInOneFlush() throws Exception {
        try (Client c = Client.connect(true)) {
            assertThat(c.flushesOfCommandsQueuedTogether("together:")).isEqualTo(1);
        }
    }

    @Test
    void withoutItEveryCommandIsFlushedOnItsOwn() throws Exception {
        // The control: Lettuce's own behaviour, which the handler changes (and proof that the count works).
        try (Client c = Client.connect(false)) {
            assertThat(c.flushesOfCommandsQueuedTogether("alone:")).isEqualTo(COMMANDS);
        }
    }

    @Test
    void aLoneCommandOnAnIdleConnectionGoesOut() {
        try (Client c = Client.connect(true)) {
            for (int i = 0; i < 3; i++) {
                int before = c.counter().flushes.get();
                assertThat(c.connection().sync().ping()).isEqualTo("PONG");
                assertThat(c.counter().flushes.get() - before).isEqualTo(1);
            }
        }
    }

    @Test
    void aCommandSentOnTheEventLoopGoesOut() throws Exception {
        // As StoreBatcher does: the next batch is sent by the previous one's reply handler, on the event loop.
        try (Client c = Client.connect(true)) {
            RedisAsyncCommands<String, String> async = c.connection().async();
            RedisFuture<String> reply = c.channel()
                    .eventLoop()
                    .submit(() -> async.set("loop:b", "2"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(reply.get(30, TimeUnit.SECONDS)).isEqualTo("OK");
            assertThat(c.connection().sync().get("loop:b")).isEqualTo("2");
        }
    }

    @Test
    void theConnectorsClientResourcesInstallIt() {
        ClientResources resources = LettuceClients.resources("test", RedisCommandListener.NONE);
        try {
            assertThat(resources.nettyCustomizer()).isInstanceOf(FlushCoalescing.class);
        } finally {
            resources.shutdown();
        }
    }
}
