package io.gatehouse.token;

import java.time.Instant;
import java.util.List;

/**
 * The claims of a token whose signature and claims were checked.
 *
 * @param use         access or refresh
 * @param keyId       the {@code kid} that signed it
 * @param tokenId     {@code jti}
 * @param subject     {@code sub}
 * @param sessionId   {@code sid}
 * @param familyId    {@code fam}, the refresh family it was issued in
 * @param issuedAt    {@code iat_ms} (milliseconds), or {@code iat} (whole seconds) for tokens issued before it
 * @param expiresAt   {@code exp}
 * @param roles       {@code roles}
 * @param permissions {@code permissions}
 */
public record VerifiedToken(
        TokenUse use,
        String keyId,
        String tokenId,
        String subject,
        String sessionId,
        String familyId,
        Instant issuedAt,
        Instant expiresAt,
        List<String> roles,
        List<String> permissions) {

    public VerifiedToken {
        roles = List.copyOf(roles);
        permissions = List.copyOf(permissions);
    }
}
