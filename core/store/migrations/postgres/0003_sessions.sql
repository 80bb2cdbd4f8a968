-- Sign-in sessions (SEC-20..SEC-26). The token itself is never stored: only its SHA-256, so a
-- leaked dump cannot be replayed as bearer tokens (D9). `id` is the public handle shown to
-- administrators and written to audit records. Times are UTC ISO 8601 with milliseconds, so
-- text order (the database's collation is C) is time order. idle_expires_at never passes
-- absolute_expires_at, so it is the moment an unrevoked session ends.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    token_hash BYTEA NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending_mfa', 'active')),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    idle_expires_at TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT,
    revoke_reason TEXT,
    source_ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    mfa_authenticated BIGINT NOT NULL DEFAULT 0 CHECK (mfa_authenticated IN (0, 1))
);

-- Listings newest first, keyset-paginated on (created_at, id), for everyone or one user; the
-- per-user index also finds a user's oldest live sessions for the per-user cap.
CREATE INDEX sessions_created ON sessions (created_at, id);
CREATE INDEX sessions_user_created ON sessions (user_id, created_at, id);
-- Purge: rows that ended (expired or revoked) before the retention cut-off.
CREATE INDEX sessions_idle_expires ON sessions (idle_expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Failed sign-in counting per key ("ip:1.2.3.4", "user:<id>") for throttling (SEC-10).
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL DEFAULT 0 CHECK (failures >= 0),
    window_started_at TEXT NOT NULL,
    blocked_until TEXT
);
