-- The user directory. Usernames are stored PRECIS-prepared and e-mails normalised, so the
-- UNIQUE constraints are the uniqueness rules (SEC-13, E18, E19).
CREATE TABLE users (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    username TEXT NOT NULL UNIQUE,
    email TEXT,
    email_key TEXT UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    display_name_key TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash TEXT,
    password_changed_at TEXT,
    locked_until TEXT,
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    last_failed_at TEXT,
    last_login_at TEXT,
    mfa_enrolled INTEGER NOT NULL DEFAULT 0 CHECK (mfa_enrolled IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Prefix search and sorted, keyset-paginated listings: (sort key, id) indexes.
-- Users without an e-mail or a login sort first, as ''.
CREATE INDEX users_email_sort ON users (ifnull(email_key, ''), id);
CREATE INDEX users_display_name_key ON users (display_name_key, id);
CREATE INDEX users_created_at ON users (created_at, id);
CREATE INDEX users_last_login_sort ON users (ifnull(last_login_at, ''), id);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'operator', 'auditor', 'user')),
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID, STRICT;
CREATE INDEX user_roles_role ON user_roles (role, user_id);

-- Single-use codes shown once: password setup after creation, admin-issued resets.
-- Only the SHA-256 of a code is kept.
CREATE TABLE one_time_codes (
    code_hash BLOB PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('setup', 'reset')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
) STRICT;
CREATE INDEX one_time_codes_user ON one_time_codes (user_id, purpose);

-- Stored, editable policies (password, session, lockout, ...), one JSON document each.
CREATE TABLE policies (
    name TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

-- Audit records in CloudTrail's shape, appended in the same transaction as the change they
-- record. The columns beside the record serve lookups; the record is the truth.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    event_time TEXT NOT NULL,
    event_source TEXT NOT NULL,
    event_name TEXT NOT NULL,
    read_only INTEGER NOT NULL CHECK (read_only IN (0, 1)),
    username TEXT,
    access_key_id TEXT,
    source_ip TEXT,
    error_code TEXT,
    resource_type TEXT,
    resource_name TEXT,
    record TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_time ON audit_events (event_time, seq);
CREATE INDEX audit_events_name ON audit_events (event_name, event_time, seq);
CREATE INDEX audit_events_username ON audit_events (username, event_time, seq);
