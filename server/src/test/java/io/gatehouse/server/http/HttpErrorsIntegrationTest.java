package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A battery of client mistakes: each gets a 4xx problem-details answer, never a 5xx. */
class HttpErrorsIntegrationTest {
    private static final String REGISTER = "/api/v1/auth/register";

    @TempDir
    static Path dataDir;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir, Map.of("gatehouse.server.max-body-size", "4096"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("not json at all", 400),
                Arguments.of("{\"email\": \"a@b.co\", \"password\": ", 400),
                Arguments.of("{\"email\": \"a@b.co\"} trailing", 400),
                Arguments.of("[1, 2, 3]", 400),
                Arguments.of("\"just a string\"", 400),
                Arguments.of("null", 400),
                Arguments.of("", 400),
                Arguments.of("{\"email\": 42, \"password\": \"correct horse\"}", 400),
                Arguments.of("{\"email\": \"a@b.co\", \"password\": [\"x\"]}", 400),
                Arguments.of("{\"email\": \"a@b.co\", \"password\": {\"p\": 1}}", 400),
                Arguments.of("{\"email\": \"a@b.co\", \"password\": true}", 400),
                Arguments.of("{\"email\": \"a@b.co\", \"password\": \"correct horse\", \"full_name\": 7}", 400),
                Arguments.of("{\"email\": \"a@b.co\", \"email\": \"c@d.co\", \"password\": \"correct horse\"}", 400),
                Arguments.of("{\"email\": \"a@b.co\", \"password\": NaN}", 400),
                Arguments.of("{}", 400),
                Arguments.of("{\"email\": \"not-an-email\", \"password\": \"short\"}", 400),
                Arguments.of("{\"email\": \"\\u0000@b.co\", \"password\": \"correct horse\"}", 400),
                Arguments.of("{\"email\": \"" + "a".repeat(300) + "@b.co\", \"password\": \"correct horse\"}", 400));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void malformedOrInvalidBodiesAre400Problems(String body, int status) {
        HttpResponse<String> r = server.postJson(REGISTER, body);
        assertProblem(r, status);
    }

    @Test
    void validationProblemsListEveryFieldWithoutEchoingValues() {
        HttpResponse<String> r = server.postJson(REGISTER, "{\"email\": \"nope\", \"password\": \"hunter2\"}");
        JsonNode p = assertProblem(r, 400);
        assertThat(p.path("type").asText()).isEqualTo("urn:gatehouse:problem:validation");
        assertThat(p.path("errors").findValuesAsText("field")).containsExactly("email", "password");
        assertThat(r.body()).doesNotContain("hunter2");
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri(REGISTER))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertProblem(r, 400);
    }

    @Test
    void aChunkedBodyWithinTheLimitIsRead() {
        // No Content-Length: read up to the limit (a declared length is read at exactly that size).
        String body = "{\"email\":\"chunked@example.com\",\"password\":\"" + "p".repeat(20) + "\"}";
        HttpResponse<String> r = postChunked(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** A JSON body to the register route, sent chunked: an InputStream publisher has no known length. */
    private static HttpResponse<String> postChunked(String body) {
        return server.send(HttpRequest.newBuilder(server.uri(REGISTER))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "application/x-www-form-urlencoded",
                "application/xml",
                "application/json; charset=iso-8859-1",
                "multipart/form-data; boundary=x"
            })
    void wrongContentTypeIs415(String contentType) {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri(REGISTER))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@b.co\",\"password\":\"correct horse\"}")));
        assertProblem(r, 415);
    }

    @Test
    void missingContentTypeIs415() {
        HttpResponse<String> r = server.send(
                HttpRequest.newBuilder(server.uri(REGISTER)).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertProblem(r, 415);
    }

    @Test
    void aBodyOverTheLimitIs413WithContentLength() {
        String huge = "{\"email\":\"a@b.co\",\"password\":\"" + "x".repeat(10_000) + "\"}";
        HttpResponse<String> r = server.postJson(REGISTER, huge);
        assertProblem(r, 413);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() {
        String huge = "{\"email\":\"a@b.co\",\"password\":\"" + "x".repeat(10_000) + "\"}";
        HttpResponse<String> r = postChunked(huge);
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/nope",
                "/api/v1/users/%7Bid%7D",
                "/api/v1/sessions/%00",
                "/api/v1/auth/register/extra",
                "/health/%2e%2e/metrics",
                "/api/v1/sessions/%F0%9F%94%91",
                "/api/v1/sessions/a%20b",
                "/api//v1",
                "/api/v1/sessions/{x}",
                "/%ZZ"
            })
    void oddPathsAreClientErrorsWithProblemBodies(String path) throws IOException {
        String raw = rawRequest("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        int status = Integer.parseInt(raw.substring(9, 12));
        assertThat(status).as(path + " -> " + raw).isBetween(400, 499);
        assertThat(raw).containsIgnoringCase("content-type: application/problem+json");
    }

    @Test
    void anUnknownRouteIs404Problem() {
        JsonNode p = assertProblem(server.get("/api/v1/nothing-here"), 404);
        assertThat(p.path("type").asText()).isEqualTo("about:blank");
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        HttpResponse<String> r = server.get(REGISTER);
        assertProblem(r, 405);
        assertThat(r.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
        HttpResponse<String> del =
                server.send(HttpRequest.newBuilder(server.uri("/health")).DELETE());
        assertProblem(del, 405);
        assertThat(del.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @Test
    void optionsOnAKnownPathListsTheMethods() {
        HttpResponse<String> r = server.send(
                HttpRequest.newBuilder(server.uri(REGISTER)).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
    }

    @Test
    void unknownMethodsAndGarbageRequestsAreClientErrors() throws IOException {
        for (String request : List.of(
                "BREW /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\nConnection: close\r\n\r\n",
                "POST " + REGISTER
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}")) {
            String raw = rawRequest(request);
            int status = Integer.parseInt(raw.substring(9, 12));
            assertThat(status).as(request + " -> " + raw).isBetween(400, 499);
        }
    }

    @Test
    void aClientRequestIdIsKeptOnlyWhenItIsAPlainToken() {
        HttpResponse<String> kept =
                server.send(HttpRequest.newBuilder(server.uri("/health/live")).header("X-Request-Id", "abc-123"));
        assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("abc-123");
        HttpResponse<String> replaced = server.send(
                HttpRequest.newBuilder(server.uri("/health/live")).header("X-Request-Id", "evil\"}{\"level\":\"ERROR"));
        assertThat(replaced.headers().firstValue("X-Request-Id"))
                .get()
                .asString()
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        HttpResponse<String> another = server.send(HttpRequest.newBuilder(server.uri("/health/live")));
        assertThat(another.headers().firstValue("X-Request-Id"))
                .get()
                .isNotEqualTo(replaced.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void http11ConnectionsStayOpenWithoutAKeepAliveHeaderAndHttp10IsRefusedWith505() throws IOException {
        // One persistent connection, three requests (two with a body): HTTP/1.1 keeps it open by default (RFC 9112
        // section 9.3), so the server sends no "Connection: keep-alive" (HttpServer: one protocol configuration).
        try (Socket s = new Socket("127.0.0.1", server.server().port())) {
            s.setSoTimeout(10_000);
            String get = "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n";
            String form = "token=x";
            String post = "POST /oauth2/introspect HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                    + "\r\n\r\n" + form;
            for (String request : List.of(get, post, get)) {
                s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                String response = readResponse(s.getInputStream());
                assertThat(response).as(request).doesNotContainIgnoringCase("\r\nConnection:");
                assertThat(response).startsWith(request.startsWith("GET") ? "HTTP/1.1 200" : "HTTP/1.1 4");
            }
        }
        String old = rawRequest("GET /health/live HTTP/1.0\r\nHost: localhost\r\n\r\n");
        assertThat(old).startsWith("HTTP/1.1 505").containsIgnoringCase("Connection: close");
    }

    static JsonNode assertProblem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode p = TestServer.json(r);
        assertThat(p.path("status").asInt()).isEqualTo(status);
        assertThat(p.path("title").asText()).isNotBlank();
        assertThat(p.path("type").asText()).isNotBlank();
        return p;
    }

    private static String rawRequest(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.server().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readResponse(s.getInputStream());
        }
    }

    /** One response (head, then Content-Length bytes): the server may keep the connection open. */
    private static String readResponse(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
        return headers + new String(body, StandardCharsets.UTF_8);
    }
}
