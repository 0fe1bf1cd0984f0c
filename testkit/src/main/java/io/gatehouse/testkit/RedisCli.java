package io.gatehouse.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Talks to Redis through {@code redis-cli} subprocesses rather than a Java client, so the testkit
 * has no client dependency and speaks TLS with exactly the files it hands to callers.
 */
final class RedisCli {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private RedisCli() {}

    /**
     * Runs one command. {@code -e} makes redis-cli exit non-zero on an error reply (NOPERM, MOVED,
     * ...), which otherwise it prints to stdout with exit code 0.
     */
    static CommandRunner.Result run(int port, List<String> connectionArgs, Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Binaries.locate(Binaries.REDIS_CLI).toString());
        command.add("-e");
        command.add("-h");
        command.add(RedisNode.HOST);
        command.add("-p");
        command.add(Integer.toString(port));
        command.addAll(connectionArgs);
        command.addAll(Arrays.asList(args));
        return CommandRunner.run(command, timeout);
    }

    /** Like {@link #run}, but returns trimmed stdout and throws on any failure. */
    static String checked(int port, List<String> connectionArgs, String... args) {
        CommandRunner.Result result = run(port, connectionArgs, TIMEOUT, args);
        if (!result.ok()) {
            throw new IllegalStateException(result.describe());
        }
        return result.stdout().trim();
    }
}
