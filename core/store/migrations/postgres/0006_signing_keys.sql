-- Ed25519 keys that sign JWT access tokens (SEC-30). `kid` is the public handle in token
-- headers, JWKS and audit records; verification only ever uses it as a key into the set of
-- keys read from this table. The private key (the RFC 8032 seed) is sealed with the data key,
-- which is not in the database (SEC-18): `sealed_private_key` is a SecretBox envelope bound to
-- "signing-key:<kid>", so it cannot be moved to another row. Only the active key keeps it: a
-- rotated key never signs again and needs only its public key to verify, so rotation drops it.
--
-- States: 'active' (the one key that signs), 'verify_only' (rotated; its tokens verify until
-- retired_after), 'retired' (an administrator ended it early; verifies nothing). Times are UTC
-- ISO 8601 with milliseconds, so text order (the database's collation is C) is time order.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY CHECK (length(kid) = 18 AND substr(kid, 1, 2) = 'k_'),
    algorithm TEXT NOT NULL CHECK (algorithm = 'EdDSA'),
    public_key BYTEA NOT NULL CHECK (length(public_key) = 32),
    sealed_private_key BYTEA,
    state TEXT NOT NULL CHECK (state IN ('active', 'verify_only', 'retired')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    -- The latest expiry of any token this key signed: rotation turns it into retired_after.
    last_token_expires_at TEXT,
    rotated_at TEXT,
    retired_after TEXT,
    retired_at TEXT,
    retired_by TEXT,
    -- The private key exists exactly while the key signs.
    CHECK ((state = 'active') = (sealed_private_key IS NOT NULL)),
    -- Only a rotated key can be verify-only or retired (the active key is never retired
    -- directly), and a rotated key always knows when its last token expires.
    CHECK ((state = 'active') = (rotated_at IS NULL)),
    CHECK ((rotated_at IS NULL) = (retired_after IS NULL)),
    CHECK ((state = 'retired') = (retired_at IS NOT NULL))
);

-- At most one key signs: two concurrent rotations cannot leave two active keys behind.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (state) WHERE state = 'active';
-- Listings, newest first.
CREATE INDEX signing_keys_created ON signing_keys (created_at, kid);
