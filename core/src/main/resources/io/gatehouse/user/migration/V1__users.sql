-- Users of a Gatehouse server. Portable SQL: Flyway runs this same file on H2 (the embedded default)
-- and on PostgreSQL, so only types and constraints both understand are used.

CREATE TABLE users (
    id                  VARCHAR(36)  NOT NULL,
    -- as registered (trimmed, NFC); shown and mailed to
    email               VARCHAR(254) NOT NULL,
    -- NFKC + lower case: what decides that two addresses are one user (see EmailAddress)
    email_key           VARCHAR(254) NOT NULL,
    full_name           VARCHAR(200),
    -- self-describing Argon2id hash: $argon2id$v=19$m=...,t=...,p=...$salt$hash
    password_hash       VARCHAR(512) NOT NULL,
    status              VARCHAR(16)  NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    -- tokens issued before this instant are no longer valid (the token service's not-before)
    password_changed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT users_pk PRIMARY KEY (id),
    CONSTRAINT users_status_ck CHECK (status IN ('active', 'suspended'))
);

CREATE UNIQUE INDEX users_email_key_ux ON users (email_key);

CREATE TABLE user_roles (
    user_id VARCHAR(36) NOT NULL,
    role    VARCHAR(64) NOT NULL,
    CONSTRAINT user_roles_pk PRIMARY KEY (user_id, role),
    CONSTRAINT user_roles_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
