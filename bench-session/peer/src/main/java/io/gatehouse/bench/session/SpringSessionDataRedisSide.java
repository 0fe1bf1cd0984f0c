package io.gatehouse.bench.session;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository.RedisSession;
import org.springframework.session.data.redis.config.ConfigureNotifyKeyspaceEventsAction;

/**
 * The baseline: Spring Session Data Redis 4 (Spring Boot 4.0.7's version, on Spring Data Redis 4.0 and
 * Lettuce 6.8) wired as {@code @EnableRedisIndexedHttpSession} wires it, without a Spring context: a
 * {@link LettuceConnectionFactory}; a {@code RedisTemplate<String, Object>} with string key and hash-key
 * serializers and the default JDK value serializer; {@link RedisIndexedSessionRepository} with its
 * defaults (namespace {@code spring:session}, flush on save) and a 30-minute max inactive interval; the
 * {@link RedisMessageListenerContainer} on the session deleted and expired channels and the created-channel
 * pattern; and {@link ConfigureNotifyKeyspaceEventsAction}.
 */
public final class SpringSessionDataRedisSide implements AutoCloseable {
    private final LettuceConnectionFactory factory;
    private final RedisIndexedSessionRepository repository;
    private final RedisMessageListenerContainer container;

    private SpringSessionDataRedisSide(String redisUrl) {
        URI uri = URI.create(redisUrl);
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();

        RedisTemplate<String, Object> template = new RedisTemplate<>();
        template.setKeySerializer(RedisSerializer.string());
        template.setHashKeySerializer(RedisSerializer.string());
        template.setConnectionFactory(factory);
        template.setBeanClassLoader(SpringSessionDataRedisSide.class.getClassLoader());
        template.afterPropertiesSet();

        repository = new RedisIndexedSessionRepository(template);
        repository.setApplicationEventPublisher(event -> {});
        repository.setDefaultMaxInactiveInterval(Duration.ofMinutes(30));
        repository.afterPropertiesSet();

        container = new RedisMessageListenerContainer();
        container.setConnectionFactory(factory);
        container.addMessageListener(
                repository,
                List.of(
                        new ChannelTopic(repository.getSessionDeletedChannel()),
                        new ChannelTopic(repository.getSessionExpiredChannel())));
        container.addMessageListener(
                repository, List.of(new PatternTopic(repository.getSessionCreatedChannelPrefix() + "*")));
        container.afterPropertiesSet();
        container.start();

        try (var connection = factory.getConnection()) {
            new ConfigureNotifyKeyspaceEventsAction().configure(connection);
        }
    }

    public static void main(String[] args) throws Exception {
        SessionSaveRun.main(args, url -> {
            SpringSessionDataRedisSide side = new SpringSessionDataRedisSide(url);
            return new SessionSide<RedisSession>("spring-session-data-redis", side.repository, side);
        });
    }

    @Override
    public void close() {
        try {
            container.stop();
            container.destroy();
        } catch (Exception e) {
            // closing at the end of a run
        }
        repository.destroy();
        factory.destroy();
    }
}
