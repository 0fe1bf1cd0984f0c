package io.gatehouse.server.auth;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.gatehouse.server.http.Json;
import io.gatehouse.token.TokenUse;
import io.gatehouse.token.VerifiedToken;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * An RFC 7662 introspection answer: {@code {"active": false}} without a reason, or the active token's claims
 * with the issuer and audience of this server. Written straight to the response's JSON generator.
 *
 * @param token    the active token, empty when inactive
 * @param issuer   {@code iss}
 * @param audience {@code aud}
 */
public record Introspection(Optional<VerifiedToken> token, String issuer, String audience) implements Json.Members {
    // Member names with their UTF-8 bytes computed once (Jackson copies them instead of encoding char by char).
    private static final SerializedString ACTIVE = new SerializedString("active");
    private static final SerializedString SUB = new SerializedString("sub");
    private static final SerializedString TOKEN_TYPE = new SerializedString("token_type");
    private static final SerializedString TOKEN_USE = new SerializedString("token_use");
    private static final SerializedString EXP = new SerializedString("exp");
    private static final SerializedString IAT = new SerializedString("iat");
    private static final SerializedString ISS = new SerializedString("iss");
    private static final SerializedString AUD = new SerializedString("aud");
    private static final SerializedString JTI = new SerializedString("jti");
    private static final SerializedString SID = new SerializedString("sid");
    private static final SerializedString ROLES = new SerializedString("roles");
    private static final SerializedString PERMISSIONS = new SerializedString("permissions");
    private static final SerializedString AMR = new SerializedString("amr");
    private static final SerializedString AUTH_TIME = new SerializedString("auth_time");

    public Introspection {
        Objects.requireNonNull(token, "token");
    }

    static Introspection inactive() {
        return new Introspection(Optional.empty(), "", "");
    }

    public boolean active() {
        return token.isPresent();
    }

    @Override
    public void write(JsonGenerator g) throws IOException {
        if (token.isEmpty()) {
            g.writeFieldName(ACTIVE);
            g.writeBoolean(false);
            return;
        }
        VerifiedToken t = token.get();
        g.writeFieldName(ACTIVE);
        g.writeBoolean(true);
        Json.writeString(g, SUB, t.subject());
        Json.writeString(g, TOKEN_TYPE, t.use() == TokenUse.ACCESS ? "Bearer" : "refresh_token");
        Json.writeString(g, TOKEN_USE, t.use().claim());
        g.writeFieldName(EXP);
        g.writeNumber(t.expiresAt().getEpochSecond());
        g.writeFieldName(IAT);
        g.writeNumber(t.issuedAt().getEpochSecond());
        Json.writeString(g, ISS, issuer);
        Json.writeString(g, AUD, audience);
        Json.writeString(g, JTI, t.tokenId());
        Json.writeString(g, SID, t.sessionId());
        Json.writeStrings(g, ROLES, t.roles());
        if (!t.permissions().isEmpty()) {
            Json.writeStrings(g, PERMISSIONS, t.permissions());
        }
        if (!t.amr().isEmpty()) {
            Json.writeStrings(g, AMR, t.amr());
        }
        if (t.authTime().isPresent()) {
            g.writeFieldName(AUTH_TIME);
            g.writeNumber(t.authTime().get().getEpochSecond());
        }
    }
}
