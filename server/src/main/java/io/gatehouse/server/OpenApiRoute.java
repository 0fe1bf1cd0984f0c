package io.gatehouse.server;

import io.gatehouse.server.http.RouteGroup;
import io.gatehouse.server.http.Routes;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the hand-written OpenAPI 3.1 document, {@code openapi.yaml} beside this class. */
final class OpenApiRoute implements RouteGroup {
    static final String RESOURCE = "openapi.yaml";
    private final byte[] document;

    OpenApiRoute() {
        try (InputStream in = OpenApiRoute.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the server jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void register(Routes routes) {
        routes.get("/openapi.yaml", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml; charset=utf-8");
            // Unlike API responses, the document may be cached; revalidate so a new release is seen.
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.send(document);
        });
    }
}
