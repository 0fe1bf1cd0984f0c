package io.gatehouse.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Instant;
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

    /** @throws IllegalStateException when the stored form is not one this class wrote */
    static FamilyClaims fromJson(String json) {
        try {
            Map<String, Object> m = JSONObjectUtils.parse(json);
            String subject = JSONObjectUtils.getString(m, "s");
            String session = JSONObjectUtils.getString(m, "i");
            long at = JSONObjectUtils.getLong(m, "t");
            if (subject == null || session == null) {
                throw new ParseException("subject or session missing", 0);
            }
            Optional<Instant> authTime = m.containsKey("u")
                    ? Optional.of(Instant.ofEpochSecond(JSONObjectUtils.getLong(m, "u")))
                    : Optional.empty();
            return new FamilyClaims(
                    subject, session, Instant.ofEpochMilli(at), list(m, "r"), list(m, "p"), list(m, "a"), authTime);
        } catch (ParseException | RuntimeException e) {
            throw new IllegalStateException("a refresh family's stored claims do not parse: " + e.getMessage());
        }
    }

    private static List<String> list(Map<String, Object> m, String name) throws ParseException {
        List<String> l = JSONObjectUtils.getStringList(m, name);
        return l == null ? List.of() : l;
    }
}
