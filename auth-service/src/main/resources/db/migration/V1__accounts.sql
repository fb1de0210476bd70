-- Accounts, login sessions (refresh-token families), refresh tokens (hashes only), tombstones, outbox.
CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    username            text        NOT NULL UNIQUE, -- stored lower-case: case-insensitive unique
    password_hash       text        NOT NULL,        -- PHC string: $argon2id$v=19$m=..,t=..,p=..$salt$hash
    display_name        text,
    email               text,
    avatar_url          text,
    time_zone           text,
    roles               text[]      NOT NULL DEFAULT '{user}',
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    password_changed_at timestamptz NOT NULL
);
CREATE INDEX users_display_name_prefix ON users (lower(display_name) text_pattern_ops);

-- One row per login: its id is the access token's sid and the refresh-token family id.
CREATE TABLE sessions (
    id            uuid PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    revoke_reason text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY, -- SHA-256 of the opaque token; the token itself is never stored
    session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz         -- set on rotation; presenting it again revokes the family
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Ids of erased accounts: their still-unexpired access tokens are refused.
CREATE TABLE deleted_users (
    user_id    uuid PRIMARY KEY,
    deleted_at timestamptz NOT NULL
);

-- Transactional outbox for user.events: written in the same transaction as the change, relayed to Kafka.
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    topic      text        NOT NULL,
    record_key text        NOT NULL,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
