-- Service tokens (API keys, SEC-27, SEC-28). A token's row is keyed by its public key id, the
-- "<id>" of "ghk_<id>_<secret>_<checksum>": kept in clear, it names the key in listings and
-- audit records and finds the row without touching the secret. Times are UTC ISO 8601 with
-- milliseconds, so text order (the database's collation is C) is time order. Deleting the
-- owner deletes their tokens with the row (ON DELETE CASCADE, SEC-24).
--
-- generation counts the secrets issued for the token (1 at creation). A rotation is a
-- compare-and-set on it inside the write transaction, so of concurrent rotations that saw the
-- same generation exactly one wins; the others get Conflict (C2). rotated_at is when the
-- current secret was issued: rotation reminders compare it with the policy's rotation age.
CREATE TABLE service_tokens (
    id TEXT PRIMARY KEY CHECK (length(id) = 20),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL CHECK (expires_at > created_at),
    generation BIGINT NOT NULL DEFAULT 1 CHECK (generation >= 1),
    rotated_at TEXT NOT NULL,
    deactivated_at TEXT,
    deactivated_by TEXT,
    deactivate_reason TEXT,
    revoked_at TEXT,
    revoked_by TEXT,
    revoke_reason TEXT,
    last_used_at TEXT,
    last_used_ip TEXT NOT NULL DEFAULT '',
    last_used_user_agent TEXT NOT NULL DEFAULT ''
);

-- Listings newest first, keyset-paginated on (created_at, id), for everyone or one owner (the
-- per-owner index also counts an owner's live tokens against the cap).
CREATE INDEX service_tokens_created ON service_tokens (created_at, id);
CREATE INDEX service_tokens_user_created ON service_tokens (user_id, created_at, id);
-- Expiry reminders and purge: tokens by the time they expire or were revoked.
CREATE INDEX service_tokens_expires ON service_tokens (expires_at);
CREATE INDEX service_tokens_revoked ON service_tokens (revoked_at) WHERE revoked_at IS NOT NULL;

-- A token's scopes, from the closed set AccessControl knows. A table rather than a list in a
-- column, so the schema itself refuses an unknown scope.
-- (WITHOUT ROWID in SQLite: here the primary key is an index beside the table.)
CREATE TABLE service_token_scopes (
    token_id TEXT NOT NULL REFERENCES service_tokens (id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('admin', 'admin:read', 'introspect')),
    PRIMARY KEY (token_id, scope)
);

-- SQLite's group_concat(value, separator), with which token listings read a token's scopes
-- in one column: the values that are not NULL, joined by the separator, in no set order; NULL
-- when there are none. (SQLite 3.40 has no string_agg, PostgreSQL no group_concat.)
CREATE FUNCTION group_concat_step(acc text, val text, separator text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN val IS NULL THEN acc WHEN acc IS NULL THEN val ELSE acc || separator || val END
$$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = group_concat_step, STYPE = text);

-- The secrets that may open a token: only SHA-256 of the whole presented token, so a leaked
-- dump cannot be replayed as bearer tokens (D9), and the hash binds the secret to its key id.
-- retires_at is NULL for the current secret; a secret replaced by a rotation with a grace
-- period keeps working until retires_at. Rotation deletes secrets it replaces once they
-- stop working, so these rules hold at every commit: one current secret per token (the
-- partial unique index), and at most two secrets per token (the trigger): a second rotation
-- during a grace period retires the older secret at once.
-- (WITHOUT ROWID in SQLite: here the primary key is an index beside the table.)
CREATE TABLE service_token_secrets (
    token_id TEXT NOT NULL REFERENCES service_tokens (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL CHECK (generation >= 1),
    secret_hash BYTEA NOT NULL CHECK (length(secret_hash) = 32),
    created_at TEXT NOT NULL,
    retires_at TEXT,
    PRIMARY KEY (token_id, generation)
);
CREATE UNIQUE INDEX service_token_secrets_current ON service_token_secrets (token_id)
    WHERE retires_at IS NULL;
-- SQLite's RAISE(ABORT) fails the statement as a constraint violation; so does this
-- (SQLSTATE 23514, check_violation). A trigger's WHEN cannot hold a subquery here, so the
-- count is taken in the function.
CREATE FUNCTION service_token_secrets_at_most_two() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM service_token_secrets WHERE token_id = NEW.token_id) >= 2 THEN
        RAISE EXCEPTION 'a service token holds at most two secrets'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER service_token_secrets_at_most_two BEFORE INSERT ON service_token_secrets
    FOR EACH ROW EXECUTE FUNCTION service_token_secrets_at_most_two();
