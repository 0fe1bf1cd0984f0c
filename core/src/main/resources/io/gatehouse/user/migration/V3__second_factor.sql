-- Second factors (io.gatehouse.mfa). V3 leaves V2 to the email-verification change developed alongside.
-- A TOTP secret, sealed with AES-256-GCM under gatehouse.mfa.encryption-key (bound to the user id); confirmed_at
-- is null while the enrolment waits for its first code.
CREATE TABLE user_totp (
    user_id       VARCHAR(36)  NOT NULL,
    secret_sealed VARCHAR(200) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    confirmed_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT user_totp_pk PRIMARY KEY (user_id),
    CONSTRAINT user_totp_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

-- Unused recovery codes, as HMAC-SHA256 (keyed with gatehouse.mfa.encryption-key, bound to the user). Using one
-- deletes its row: the delete that removes it is the one that may accept it, so a code works once.
CREATE TABLE user_recovery_codes (
    user_id   VARCHAR(36) NOT NULL,
    code_hash VARCHAR(64) NOT NULL,
    CONSTRAINT user_recovery_codes_pk PRIMARY KEY (user_id, code_hash),
    CONSTRAINT user_recovery_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
