package io.gatehouse.server.auth;

import io.gatehouse.server.http.Json;
import io.gatehouse.token.VerifiedToken;

/*
 * Why: the verification cache hands back the very same VerifiedToken object for a token introspected again
 * (TokenSlots), and the answer for it is the same bytes every time (claims, issuer and audience only; nothing
 * of the moment), but writing them was the largest introspection-only cost in the JFR profile (the JSON
 * generator, its buffers, the copy out). Only the rendering is remembered: the checks that decide whether the
 * token is active (revocation, the session, the rate limit) run on every request before an answer is looked
 * up here.
 */
/** The JSON body of active introspection answers, rendered once per verified token object. */
final class IntrospectionBodies {
    private final TokenSlots<byte[]> slots = new TokenSlots<>();

    /** The body of {@code answer}: from the slot of its token when that slot holds the same token object. */
    byte[] body(Introspection answer) {
        if (answer.token().isEmpty()) {
            return Json.objectBytes(answer);
        }
        VerifiedToken token = answer.token().get();
        byte[] body = slots.get(token);
        if (body == null) {
            body = Json.objectBytes(answer);
            slots.put(token, body);
        }
        return body;
    }
}
