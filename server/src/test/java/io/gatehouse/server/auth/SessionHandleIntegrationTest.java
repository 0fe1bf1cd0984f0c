package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.Gatehouse;
import io.gatehouse.event.EventQuery;
import io.gatehouse.server.http.TestServer;
import io.gatehouse.session.SessionInputException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Session ids are bearer secrets: they stay in the session store's caller and the console's cookie. Tokens
 * ({@code sid}), introspection, listings, URLs, events and log lines carry the session's handle, which names
 * the session but cannot open it (security review #13, item 10). On the in-memory store and on Redis.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(AuthClient.Store.class)
class SessionHandleIntegrationTest {
    private static final ClientCredentials GATEWAY = new ClientCredentials("gateway", ClientRegistry.generateSecret());

    @Parameter
    AuthClient.Store store;

    @TempDir
    Path dataDir;

    @Test
    void theSecretSessionIdAppearsInNoTokenIntrospectionListingEventOrLogLine() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try (AuthClient api = AuthClient.startFresh(store, dataDir, gateway())) {
            Gatehouse gh = api.server.server().gatehouse();
            String email = api.registerUser();
            // The console's cookie is the one place the secret id is handed out.
            ConsoleSession console = consoleSignIn(api, email);
            String cookie = console.cookie();
            String secretId = console.secretId();
            String consoleHandle = console.handle();

            JsonNode login = api.login(email);
            String access = login.path("access_token").asText();
            String refresh = login.path("refresh_token").asText();
            String sid = JwtParts.claims(access).path("sid").asText();
            assertThat(login.path("session_id").asText()).isEqualTo(sid);
            assertThat(gh.sessions().getByHandle(sid)).isPresent();

            JsonNode introspected =
                    TestServer.json(api.form("/oauth2/introspect", Map.of("token", access), GATEWAY.toBasicHeader()));
            assertThat(introspected.path("sid").asText()).isEqualTo(sid);
            JsonNode listing = TestServer.json(api.get("/api/v1/sessions", access));
            assertThat(listing.findValuesAsText("id")).containsExactlyInAnyOrder(sid, consoleHandle);
            JsonNode refreshed = TestServer.json(
                    api.postJson("/api/v1/auth/refresh", "{\"refresh_token\":\"" + refresh + "\"}", null));

            // Signing the console session out by its handle, from the API: the cookie stops working.
            assertThat(api.delete("/api/v1/sessions/" + consoleHandle, access).statusCode())
                    .isEqualTo(204);
            assertThat(consoleMe(api.server, cookie).statusCode()).isEqualTo(401);

            gh.events().flush(Duration.ofSeconds(10));
            String events = gh.events().query(EventQuery.builder().limit(500).build()).events().stream()
                    .map(Object::toString)
                    .collect(Collectors.joining("\n"));
            String logs = log.list.stream()
                    .map(e -> e.getFormattedMessage() + " " + e.getMDCPropertyMap())
                    .collect(Collectors.joining("\n"));
            String published = String.join(
                    "\n",
                    JwtParts.claims(access).toString(),
                    JwtParts.claims(refreshed.path("access_token").asText()).toString(),
                    login.toString(),
                    refreshed.toString(),
                    introspected.toString(),
                    listing.toString(),
                    events,
                    logs);
            String randomPart = secretId.substring(0, secretId.indexOf('.'));
            assertThat(published).doesNotContain(secretId).doesNotContain(randomPart);
            assertThat(events).as("events name sessions by handle").contains(consoleHandle, sid);
        } finally {
            root.detachAppender(log);
        }
    }

    @Test
    void aHandleCannotBeUsedAsASessionId() {
        try (AuthClient api = AuthClient.startFresh(store, dataDir, gateway())) {
            String email = api.registerUser();
            ConsoleSession c = consoleSignIn(api, email);
            assertThat(consoleMe(api.server, c.cookie()).statusCode()).isEqualTo(200);

            // The same cookie with the handle in place of the id opens nothing.
            String forged = c.cookie().replace(c.secretId(), c.handle());
            assertThat(consoleMe(api.server, forged).statusCode()).isEqualTo(401);
            var sessions = api.server.server().gatehouse().sessions();
            assertThatThrownBy(() -> sessions.get(c.handle())).isInstanceOf(SessionInputException.class);
            assertThatThrownBy(() -> sessions.touch(c.handle())).isInstanceOf(SessionInputException.class);
            // And an id is not a handle: the account routes do not take it.
            String access = api.login(email).path("access_token").asText();
            assertThat(api.delete("/api/v1/sessions/" + c.secretId(), access).statusCode())
                    .isEqualTo(404);
            assertThat(consoleMe(api.server, c.cookie()).statusCode()).isEqualTo(200);
        }
    }

    private static Map<String, String> gateway() {
        return Map.of(
                "gatehouse.server.clients", GATEWAY.id(),
                "gatehouse.server.client.gateway.secret-hash", ClientRegistry.hashSecret(GATEWAY.secret()),
                "gatehouse.server.client.gateway.scopes", "introspect");
    }

    /** A console sign-in: the cookie ({@code name=<session id>~<secret>}), the id in it, and its handle. */
    private record ConsoleSession(String cookie, String secretId, String handle) {}

    private static ConsoleSession consoleSignIn(AuthClient api, String email) {
        TestServer server = api.server;
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/account/api/signin"))
                .header("Content-Type", "application/json")
                .header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email + "\",\"password\":\"" + AuthClient.PASSWORD + "\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String id = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf('~'));
        return new ConsoleSession(
                cookie, id, server.server().gatehouse().sessions().handleOf(id));
    }

    private static HttpResponse<String> consoleMe(TestServer server, String cookie) {
        return server.send(HttpRequest.newBuilder(server.uri("/account/api/me"))
                .header("Cookie", cookie)
                .header("Sec-Fetch-Site", "same-origin")
                .GET());
    }
}
