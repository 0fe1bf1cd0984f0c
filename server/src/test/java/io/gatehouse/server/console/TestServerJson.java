package io.gatehouse.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Parses JSON text in assertions. */
final class TestServerJson {
    private TestServerJson() {}

    static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
