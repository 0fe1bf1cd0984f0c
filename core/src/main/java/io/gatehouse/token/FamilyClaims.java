package io.gatehouse.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a refresh family stores beside its token hashes, so an opaque refresh token (which carries no
 * claims) can mint the next access token: the subject, the session, the instant the family's current
 * chain was authenticated from (a user revocation after it ends the family), the roles and permissions.
 * Stored as one short JSON object with one-letter names (the record of every family in Redis).
 *
 * @param subject     {@code sub}
 * @param sessionId   {@code sid}
 * @param issuedAt    the login (or, for a family upgraded from JWT refresh tokens, the last JWT's issue time), in
 *                    milliseconds: compared with a user's "not before" instant like a token's {@code iat_ms}
 * @param roles       {@code roles} of the tokens minted at refresh (the caller may mint others)
 * @param permissions {@code permissions}, likewise
 * @param amr         {@code amr} of the login, kept by every token of the family
 * @param authTime    {@code auth_time} of the login (empty for families stored before it existed)
 */
record FamilyClaims(
        String subject,
        String sessionId,
        Instant issuedAt,
        List<String> roles,
        List<String> permissions,
        List<String> amr,
        Optional<Instant> authTime) {
    private static final JsonFactory JSON = new JsonFactory();

    FamilyClaims {
        roles = List.copyOf(roles);
        permissions = List.copyOf(permissions);
        amr = List.copyOf(amr);
        Objects.requireNonNull(authTime, "authTime");
    }

    FamilyClaims(String subject, String sessionId, Instant issuedAt, List<String> roles, List<String> permissions) {
        this(subject, sessionId, issuedAt, roles, permissions, List.of(), Optional.empty());
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", subject);
        m.put("i", sessionId);
        m.put("t", issuedAt.toEpochMilli());
        if (!roles.isEmpty()) {
            m.put("r", roles);
        }
        if (!permissions.isEmpty()) {
            m.put("p", permissions);
        }
        if (!amr.isEmpty()) {
            m.put("a", amr);
        }
        authTime.ifPresent(t -> m.put("u", t.getEpochSecond()));
        return JSONObjectUtils.toJSONString(m);
    }

    /**
     * Read with Jackson's streaming parser, not parsed into a map: every opaque refresh reads the claims
     * its rotation returned (#19), and a map of Gson objects showed in that path's profile.
     *
     * @throws IllegalStateException when the stored form is not one this class wrote
     */
    static FamilyClaims fromJson(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            String subject = null;
            String session = null;
            Long at = null;
            Optional<Instant> authTime = Optional.empty();
            List<String> roles = List.of();
            List<String> permissions = List.of();
            List<String> amr = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "s" -> subject = string(p, value);
                    case "i" -> session = string(p, value);
                    case "t" -> at = number(p, value);
                    case "u" -> authTime = Optional.of(Instant.ofEpochSecond(number(p, value)));
                    case "r" -> roles = strings(p, value);
                    case "p" -> permissions = strings(p, value);
                    case "a" -> amr = strings(p, value);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("not one JSON object");
            }
            if (subject == null || session == null || at == null) {
                throw new IOException("subject, session or issue time missing");
            }
            return new FamilyClaims(subject, session, Instant.ofEpochMilli(at), roles, permissions, amr, authTime);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("a refresh family's stored claims do not parse: " + e.getMessage());
        }
    }

    private static String string(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new IOException("'" + p.currentName() + "' is not a string");
        }
        return p.getText();
    }

    private static long number(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("'" + p.currentName() + "' is not an integer");
        }
        return p.getLongValue();
    }

    /** A list of strings; JSON null reads as none. */
    private static List<String> strings(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (t != JsonToken.START_ARRAY) {
            throw new IOException("'" + p.currentName() + "' is not a list");
        }
        List<String> l = new ArrayList<>(4);
        while (p.nextToken() == JsonToken.VALUE_STRING) {
            l.add(p.getText());
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new IOException("a list holds something other than strings");
        }
        return l;
    }
}
