package io.gatehouse.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.TestServer;
import io.gatehouse.testkit.SharedRedis;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** An in-process server on one of the store backends, with the calls the auth tests make over real HTTP. */
final class AuthClient implements AutoCloseable {
    /** Where the server keeps sessions, tokens, limits, cache and events. */
    enum Store {
        MEMORY,
        REDIS;

        Map<String, String> config() {
            if (this == MEMORY) {
                return Map.of();
            }
            return Map.of(
                    "gatehouse.redis.url",
                    SharedRedis.standalone().url(),
                    "gatehouse.sessions.mac-key",
                    "YXV0aC10ZXN0LW1hYy1rZXktMDEyMzQ1Njc4OWFiY2RlZg==",
                    "gatehouse.sessions.device-key",
                    "YXV0aC10ZXN0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFi",
                    "gatehouse.redis.command-timeout",
                    "5s",
                    "gatehouse.redis.connect-timeout",
                    "10s");
        }
    }

    /** Generous limits, so tests about other things never trip them (the rate-limit test sets its own). */
    static final Map<String, String> HIGH_LIMITS = Map.of(
            "gatehouse.ratelimit.policy.login-ip.rate", "10000/1m",
            "gatehouse.ratelimit.policy.login-account.rate", "10000/1m",
            "gatehouse.ratelimit.policy.register-ip.rate", "10000/1m",
            "gatehouse.lockout.ip.max-failures", "0",
            "gatehouse.lockout.ip-account.max-failures", "0");

    static final String PASSWORD = "correct horse battery";

    final TestServer server;

    private AuthClient(TestServer server) {
        this.server = server;
    }

    /** As {@link #start}, on an emptied Redis when the store is Redis (for tests whose limits count from zero). */
    static AuthClient startFresh(Store store, Path dataDir, Map<String, String> extra) {
        if (store == Store.REDIS) {
            SharedRedis.standalone().flushAll();
        }
        return start(store, dataDir, extra);
    }

    static AuthClient start(Store store, Path dataDir, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(store.config());
        config.putAll(HIGH_LIMITS);
        config.putAll(extra);
        return new AuthClient(TestServer.start(dataDir, config));
    }

    /** Registers a new user with a unique email; returns the email. */
    String registerUser() {
        String email = "u-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> r = postJson(
                "/api/v1/auth/register", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", null);
        if (r.statusCode() != 201) {
            throw new AssertionError("register: " + r.statusCode() + " " + r.body());
        }
        return email;
    }

    /** Logs in; the JSON token response (asserting 200). */
    JsonNode login(String email) {
        return login(email, PASSWORD);
    }

    JsonNode login(String email, String password) {
        HttpResponse<String> r =
                postJson("/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", null);
        if (r.statusCode() != 200) {
            throw new AssertionError("login: " + r.statusCode() + " " + r.body());
        }
        return TestServer.json(r);
    }

    HttpResponse<String> postJson(String path, String json, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return server.send(b);
    }

    HttpResponse<String> post(String path, String bearer) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> get(String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return server.send(b);
    }

    HttpResponse<String> delete(String path, String bearer) {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .header("Authorization", "Bearer " + bearer)
                .DELETE());
    }

    /** A form POST; {@code authorization} is a whole header value or null. */
    HttpResponse<String> form(String path, Map<String, String> params, String authorization) {
        String body = params.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return formRaw(path, body, authorization);
    }

    HttpResponse<String> formRaw(String path, String body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return server.send(b);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
    }
}
