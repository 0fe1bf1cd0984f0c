package io.gatehouse.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** Reads a JWT's header and claims without verifying (tests look at what the server issued). */
final class JwtParts {
    private JwtParts() {}

    static JsonNode header(String jwt) {
        return part(jwt, 0);
    }

    static JsonNode claims(String jwt) {
        return part(jwt, 1);
    }

    private static JsonNode part(String jwt, int i) {
        try {
            return Json.MAPPER.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[i]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
