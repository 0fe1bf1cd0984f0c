package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.http.Json;
import io.gatehouse.server.http.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** A user's calls to the JSON API (register, login with a chosen user agent, /me), beside the browser. */
final class ApiUser {
    static final String FIREFOX_WINDOWS =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
    static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private final TestServer server;
    final String email;
    String password;

    ApiUser(TestServer server, String email, String password) {
        this.server = server;
        this.email = email;
        this.password = password;
    }

    static ApiUser register(TestServer server, String email, String password, String fullName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("password", password);
        body.put("full_name", fullName);
        HttpResponse<String> r = server.postJson("/api/v1/auth/register", json(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new ApiUser(server, email, password);
    }

    String id() {
        return server.server()
                .gatehouse()
                .users()
                .findByEmail(email)
                .orElseThrow()
                .id();
    }

    /** Logs in through the API with {@code userAgent}; the access token. */
    String login(String userAgent) {
        HttpResponse<String> r = loginResponse(password, userAgent);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).path("access_token").asText();
    }

    HttpResponse<String> loginResponse(String password, String userAgent) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("email", email, "password", password)))));
    }

    /** The status of {@code GET /api/v1/me} with this access token. */
    int me(String accessToken) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/me"))
                        .header("Authorization", "Bearer " + accessToken)
                        .GET())
                .statusCode();
    }

    static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
