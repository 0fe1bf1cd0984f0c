package io.gatehouse.token;

/** What a token is for, carried in its {@code token_use} claim. */
public enum TokenUse {
    /** Presented to resource servers. */
    ACCESS("access"),
    /** Presented only to Gatehouse, to obtain new tokens. */
    REFRESH("refresh");

    private final String claim;

    TokenUse(String claim) {
        this.claim = claim;
    }

    /** The claim value: {@code access} or {@code refresh}. */
    public String claim() {
        return claim;
    }

    static TokenUse ofClaim(String value) {
        for (TokenUse u : values()) {
            if (u.claim.equals(value)) {
                return u;
            }
        }
        return null;
    }
}
