package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.http.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Every registered route (the route registry, which OpenApiRouteIntegrationTest keeps equal to openapi.yaml),
 * anonymously, as a user and as an admin client, with hostile path parameters, query strings, bodies (oversized,
 * malformed, wrong types, odd Unicode, invalid UTF-8, deep nesting, wrong content type) and forged tokens with
 * hostile claims: never a 5xx, and never an ERROR or a stack trace in the log.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(AuthClient.Store.class)
class BadInputCorpusIntegrationTest {
    private static final ClientCredentials ADMIN =
            new ClientCredentials("corpus-admin", ClientRegistry.generateSecret());

    @Parameter
    AuthClient.Store store;

    @TempDir
    Path dataDir;

    @Test
    void noRouteAnswersBadInputWithA5xxOrAStackTrace() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        Map<String, String> c = new HashMap<>();
        c.put("gatehouse.server.clients", ADMIN.id());
        c.put("gatehouse.server.client." + ADMIN.id() + ".secret-hash", ClientRegistry.hashSecret(ADMIN.secret()));
        c.put("gatehouse.server.client." + ADMIN.id() + ".scopes", "admin introspect revoke monitor");
        c.put("gatehouse.server.monitor-access", "client");
        c.put("gatehouse.ratelimit.policy.api-user.rate", "1000000/1m");
        c.put("gatehouse.ratelimit.policy.api-ip.rate", "1000000/1m");
        List<String> failures = new ArrayList<>();
        int sent = 0;
        try (AuthClient api = AuthClient.startFresh(store, dataDir, c)) {
            String email = api.registerUser();
            String issuer = TestServer.json(api.get("/.well-known/oauth-authorization-server", null))
                    .path("issuer")
                    .asText();
            String kid = TestServer.json(api.get("/.well-known/jwks.json", null))
                    .path("keys")
                    .path(0)
                    .path("kid")
                    .asText();
            List<String> forged = forgedTokens(issuer, kid);
            List<Routes.Route> routes = api.server.server().routes();
            assertThat(routes).hasSizeGreaterThan(30);
            for (Routes.Route route : routes) {
                String userToken = api.login(email).path("access_token").asText();
                List<String> auths = new ArrayList<>();
                auths.add(null);
                auths.add("Bearer " + userToken);
                auths.add(ADMIN.toBasicHeader());
                String plain = route.template().replaceAll("\\{[^}]+}", "login-ip");
                List<Probe> probes = new ArrayList<>();
                // Hostile path parameters and query strings, hostile bodies: each as nobody, a user and an admin.
                for (String auth : auths) {
                    paths(route.template()).forEach(p -> probes.add(new Probe(p, auth, NO_BODY)));
                    bodies(forged).forEach(body -> probes.add(new Probe(plain, auth, body)));
                }
                // Forged tokens and broken credentials in the Authorization header.
                forged.forEach(t -> probes.add(new Probe(plain, "Bearer " + t, NO_BODY)));
                probes.add(new Probe(
                        plain,
                        "Basic " + Base64.getEncoder().encodeToString("a{b}:\u0000".getBytes(StandardCharsets.UTF_8)),
                        NO_BODY));
                probes.add(new Probe(plain, "Basic %%%", NO_BODY));
                probes.add(new Probe(plain, "Bearer " + "x".repeat(20_000), NO_BODY));
                for (Probe probe : probes) {
                    HttpResponse<String> r;
                    try {
                        r = send(api, route.method(), probe.path(), probe.auth(), probe.body());
                    } catch (java.io.UncheckedIOException e) {
                        failures.add(route.method() + " " + abbreviate(probe.path()) + " ["
                                + probe.body().name() + "] -> no answer: " + e.getCause());
                        continue;
                    }
                    sent++;
                    if (r.statusCode() >= 500) {
                        failures.add(route.method() + " " + abbreviate(probe.path()) + " ["
                                + probe.body().name()
                                + ", auth "
                                + (probe.auth() == null
                                        ? "none"
                                        : abbreviate(probe.auth())
                                                .substring(
                                                        0,
                                                        Math.min(
                                                                12, probe.auth().length())))
                                + "] -> " + r.statusCode() + " " + r.body());
                    }
                }
            }
        } finally {
            root.detachAppender(log);
        }
        assertThat(sent).isGreaterThan(1000);
        assertThat(failures).as("5xx answers").isEmpty();
        List<String> errors = log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : " / " + e.getThrowableProxy().getClassName()))
                .distinct()
                .toList();
        assertThat(errors).as("ERROR lines or stack traces in the log").isEmpty();
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    private static final Body NO_BODY = new Body("none", null, new byte[0]);

    private record Probe(String path, String auth, Body body) {}

    private record Body(String name, String contentType, byte[] bytes) {
        static Body of(String name, String contentType, String text) {
            return new Body(name, contentType, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<Body> bodies(List<String> forged) {
        String json = "application/json";
        String form = "application/x-www-form-urlencoded";
        List<Body> b = new ArrayList<>();
        b.add(new Body("none", null, new byte[0]));
        b.add(Body.of("malformed json", json, "{\"email\": \"a@b.c\", "));
        b.add(Body.of("json array", json, "[1,2,3]"));
        b.add(Body.of("json null", json, "null"));
        b.add(Body.of(
                "wrong types",
                json,
                "{\"email\":5,\"password\":[],\"refresh_token\":{},\"current_password\":true,"
                        + "\"new_password\":null,\"account\":7,\"ip\":[],\"reason\":{},\"device\":\"x\",\"full_name\":1e309,"
                        + "\"roles\":\"admin\",\"token\":9}"));
        String odd = "a{b}\\u0000\\u202e\\ud800" + "\uFDFA".repeat(20) + "\\uDFFF\\u2028";
        b.add(Body.of(
                "odd unicode",
                json,
                "{\"email\":\"" + odd + "@example.com\",\"password\":\"" + odd + "\","
                        + "\"refresh_token\":\"" + odd + "\",\"current_password\":\"" + odd + "\",\"new_password\":\""
                        + odd
                        + "\",\"account\":\"" + odd + "\",\"ip\":\"" + odd + "\",\"reason\":\"" + odd
                        + "\",\"full_name\":\""
                        + odd + "\",\"device\":{\"fingerprint\":\"" + odd + "\",\"name\":\"" + odd + "\"},\"roles\":[\""
                        + odd
                        + "\"]}"));
        b.add(Body.of(
                "long strings",
                json,
                "{\"email\":\"" + "a".repeat(3000) + "@" + "b".repeat(3000) + ".com\",\"password\":\""
                        + "p".repeat(5000) + "\",\"refresh_token\":\"" + "e".repeat(9000) + "\"}"));
        b.add(Body.of("oversized", json, "{\"email\":\"" + "x".repeat(200_000) + "\"}"));
        b.add(Body.of("deep nesting", json, "[".repeat(5000) + "]".repeat(5000)));
        b.add(Body.of("duplicate keys", json, "{\"email\":\"a@example.com\",\"email\":\"b@example.com\"}"));
        b.add(new Body("invalid utf-8", json, new byte[] {
            '{', '"', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, (byte) 0xFF, '"', '}'
        }));
        b.add(Body.of("json as form", form, "{\"email\":\"a@example.com\"}"));
        b.add(Body.of("bad form", form, "grant_type=password&username=%ZZ&password=%&token=%E0%A4%A"));
        b.add(Body.of(
                "odd form",
                form,
                "grant_type=password&username=a%7Bb%7D%00&password=%F0%9F%98%80&client_id=a%7B"
                        + "&client_secret=x&grant_type=refresh_token"));
        for (String t : forged.subList(0, 8)) {
            b.add(Body.of("forged refresh (json)", json, "{\"refresh_token\":\"" + t + "\"}"));
            b.add(Body.of(
                    "forged refresh (form)", form, "grant_type=refresh_token&refresh_token=" + t + "&token=" + t));
        }
        b.add(Body.of("unknown grant", form, "grant_type=" + "g".repeat(5000)));
        b.add(Body.of("json with form type", form, "%%%%"));
        b.add(Body.of("text", "text/plain; charset=bogus-charset", "hello"));
        return b;
    }

    /** The template with hostile values in its parameters, and hostile query strings. */
    private static List<String> paths(String template) {
        List<String> values = List.of(
                "a%7Bb%7D",
                "%00",
                "..",
                "x".repeat(3000),
                "%C0%AF",
                "%E2%80%AE%F0%9F%98%80",
                "00000000-0000-0000-0000-000000000000",
                "login-account");
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(template.replaceAll("\\{[^}]+}", v));
        }
        String plain = template.replaceAll("\\{[^}]+}", "login-ip");
        for (String v : List.of(
                "a%7Bb%7D",
                "%00%0A", "-1", "99999999999999999999", "2026-13-45T99:99:99Z", "%FF%FE", "x".repeat(3000))) {
            out.add(plain + "?subject=" + v + "&user=" + v + "&type=" + v + "&min_severity=" + v + "&from=" + v + "&to="
                    + v + "&limit=" + v + "&cursor=" + v);
        }
        return out;
    }

    private static HttpResponse<String> send(AuthClient api, String method, String path, String auth, Body body) {
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofByteArray(body.bytes());
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(api.server.uri("").toString() + path))
                .method(method, publisher);
        if (body.contentType() != null) {
            b.header("Content-Type", body.contentType());
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return api.server.send(b);
    }

    /** Tokens shaped like ours (issuer, audience, a real kid) with hostile claims and no valid signature. */
    private static List<String> forgedTokens(String issuer, String kid) {
        long now = System.currentTimeMillis() / 1000;
        String hostile = "\"sub\":\"a{b\",\"sid\":\"a{b}\",\"fam\":\"a{b\",\"jti\":\"\\u0000{x}\",\"iss\":\"" + issuer
                + "\",\"aud\":\"gatehouse\",\"iat\":" + now + ",\"exp\":" + (now + 600) + ",\"roles\":[\"admin\"]";
        List<String> out = new ArrayList<>();
        for (String header : List.of(
                "{\"alg\":\"none\",\"typ\":\"at+jwt\"}",
                "{\"alg\":\"ES256\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\"}",
                "{\"alg\":\"ES256\",\"kid\":\"" + kid + "\",\"typ\":\"refresh+jwt\"}",
                "{\"alg\":\"HS256\",\"kid\":\"../../etc/passwd\"}",
                "{\"alg\":\"EdDSA\",\"kid\":\"" + "k".repeat(2000) + "\"}")) {
            for (String claims : List.of(
                    "{" + hostile + "}",
                    "{" + hostile + ",\"typ\":\"refresh\",\"exp\":\"soon\"}",
                    "{\"sub\":[1],\"sid\":{},\"fam\":null,\"exp\":1e400}")) {
                out.add(b64(header) + "." + b64(claims) + "." + b64("not a signature at all, but long enough"));
            }
        }
        out.add("e30.e30.e30");
        out.add("a.b.c.d.e");
        out.add(URLEncoder.encode("ey\u0000.\u202e.x", StandardCharsets.UTF_8));
        return out;
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
