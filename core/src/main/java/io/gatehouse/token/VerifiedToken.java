package io.gatehouse.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param amr         {@code amr} (RFC 8176), empty for tokens issued before the claim existed
 * @param authTime    {@code auth_time}: when the user last authenticated (empty for tokens issued before the claim
 *                    existed, which therefore never count as a recent authentication)
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
        List<String> permissions,
        List<String> amr,
        Optional<Instant> authTime) {

    public VerifiedToken {
        roles = List.copyOf(roles);
        permissions = List.copyOf(permissions);
        amr = List.copyOf(amr);
        Objects.requireNonNull(authTime, "authTime");
    }

    /** A token without {@code amr} and {@code auth_time} (issued elsewhere, or before they existed). */
    public VerifiedToken(
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
        this(
                use,
                keyId,
                tokenId,
                subject,
                sessionId,
                familyId,
                issuedAt,
                expiresAt,
                roles,
                permissions,
                List.of(),
                Optional.empty());
    }
}
