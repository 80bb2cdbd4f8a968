-- A counter that moves whenever a change could end a session that validated before: a session
-- revoked, promoted, shortened, moved to another user or deleted; its user disabled, renamed
-- or deleted; the session policy changed. Session validation keeps what it read for a token
-- only while this counter stands still (SEC-23, SEC-24). Triggers move it, so every writer
-- moves it: the services, gatehousectl in another process, SQL typed by hand.
--
-- Not moved by the activity record of validation itself (last_seen_at, and idle_expires_at
-- pushed later): that only ever extends a session, and a validator that holds the earlier
-- expiry reads the row again before refusing.
CREATE TABLE session_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;

INSERT INTO session_revision (id, value) VALUES (1, 0);

CREATE TRIGGER session_revision_session_changed AFTER UPDATE ON sessions
WHEN NOT (NEW.id IS OLD.id AND NEW.token_hash IS OLD.token_hash AND NEW.user_id IS OLD.user_id
          AND NEW.state IS OLD.state AND NEW.absolute_expires_at IS OLD.absolute_expires_at
          AND NEW.revoked_at IS OLD.revoked_at
          AND NEW.mfa_authenticated IS OLD.mfa_authenticated
          AND NEW.idle_expires_at >= OLD.idle_expires_at)
BEGIN
    UPDATE session_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER session_revision_session_deleted AFTER DELETE ON sessions
BEGIN
    UPDATE session_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER session_revision_user_changed AFTER UPDATE ON users
WHEN NEW.id IS NOT OLD.id OR NEW.status IS NOT OLD.status OR NEW.username IS NOT OLD.username
BEGIN
    UPDATE session_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER session_revision_user_deleted AFTER DELETE ON users
BEGIN
    UPDATE session_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER session_revision_policy_inserted AFTER INSERT ON policies
WHEN NEW.name = 'session'
BEGIN
    UPDATE session_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER session_revision_policy_updated AFTER UPDATE ON policies
WHEN NEW.name = 'session' OR OLD.name = 'session'
BEGIN
    UPDATE session_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER session_revision_policy_deleted AFTER DELETE ON policies
WHEN OLD.name = 'session'
BEGIN
    UPDATE session_revision SET value = value + 1 WHERE id = 1;
END;
