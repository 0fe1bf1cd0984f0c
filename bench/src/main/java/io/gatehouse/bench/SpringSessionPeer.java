package io.gatehouse.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.config.ConfigureNotifyKeyspaceEventsAction;

/**
 * Spring Session Data Redis wired exactly as {@code @EnableRedisIndexedHttpSession} wires it
 * ({@code RedisIndexedHttpSessionConfiguration} in spring-session-data-redis 3.5.3), without a Spring
 * context: a {@link LettuceConnectionFactory}; a {@code RedisTemplate<String, Object>} with string key
 * and hash-key serializers and the default JDK value serializer; a {@link RedisIndexedSessionRepository}
 * with the defaults (namespace {@code spring:session}, flush on save, save on set-attribute, cleanup
 * cron) and a 30-minute max inactive interval; the {@link RedisMessageListenerContainer} subscribed to
 * the session deleted and expired channels and the created-channel pattern; and
 * {@link ConfigureNotifyKeyspaceEventsAction} setting {@code notify-keyspace-events}.
 */
final class SpringSessionPeer implements AutoCloseable {
    final RedisIndexedSessionRepository repository;
    private final LettuceConnectionFactory factory;
    private final RedisMessageListenerContainer container;

    SpringSessionPeer(String redisUrl) {
        URI uri = URI.create(redisUrl);
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();

        RedisTemplate<String, Object> template = new RedisTemplate<>();
        template.setKeySerializer(RedisSerializer.string());
        template.setHashKeySerializer(RedisSerializer.string());
        template.setConnectionFactory(factory);
        template.setBeanClassLoader(SpringSessionPeer.class.getClassLoader());
        template.afterPropertiesSet();

        repository = new RedisIndexedSessionRepository(template);
        repository.setApplicationEventPublisher(event -> {});
        repository.setDefaultMaxInactiveInterval(Duration.ofMinutes(30));
        repository.afterPropertiesSet();

        container = new RedisMessageListenerContainer();
        container.setConnectionFactory(factory);
        container.addMessageListener(
                repository,
                Arrays.asList(
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

    /** A login as a Spring Session user stores it: the principal index attribute plus the same facts Gatehouse keeps. */
    String create(String userId, String ip, String userAgent, String fingerprint) {
        var session = repository.createSession();
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, userId);
        session.setAttribute("ip", ip);
        session.setAttribute("userAgent", userAgent);
        session.setAttribute("device", fingerprint);
        repository.save(session);
        return session.getId();
    }

    Object get(String id) {
        return repository.findById(id);
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
