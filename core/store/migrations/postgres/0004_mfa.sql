-- TOTP second factor (SEC-14..SEC-19). The seed is sealed with the data key, which is not in
-- the database (SEC-18): `sealed_seed` is a SecretBox envelope bound to "mfa-seed:<user id>".
-- A row without confirmed_at is an enrolment waiting for its first code; users.mfa_enrolled
-- turns on only when it is confirmed. last_step is the last accepted time step: no step at or
-- before it is accepted again, even after the clock steps back (replay protection).
CREATE TABLE mfa_totp (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sealed_seed BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    last_step BIGINT
);

-- Single-use recovery codes. Only HMAC-SHA256(data-key-derived MAC key, code) is kept: 50-bit
-- codes under a plain hash could be brute-forced from a dump, a keyed MAC cannot without the key.
-- (WITHOUT ROWID in SQLite: here the primary key is an index beside the table.)
CREATE TABLE mfa_recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_mac BYTEA NOT NULL CHECK (length(code_mac) = 32),
    created_at TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_mac)
);
