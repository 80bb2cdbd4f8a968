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
    id BIGINT PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);

INSERT INTO session_revision (id, value) VALUES (1, 0);

-- What every trigger below does, once per row as SQLite's triggers do. (Each SQLite trigger
-- holds this statement itself; here the triggers share one function and keep their WHEN.)
CREATE FUNCTION session_revision_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE session_revision SET value = value + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

-- SQLite's `a IS b` is `a IS NOT DISTINCT FROM b` here, `a IS NOT b` `a IS DISTINCT FROM b`.
CREATE TRIGGER session_revision_session_changed AFTER UPDATE ON sessions
    FOR EACH ROW
    WHEN (NOT (NEW.id IS NOT DISTINCT FROM OLD.id
               AND NEW.token_hash IS NOT DISTINCT FROM OLD.token_hash
               AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id
               AND NEW.state IS NOT DISTINCT FROM OLD.state
               AND NEW.absolute_expires_at IS NOT DISTINCT FROM OLD.absolute_expires_at
               AND NEW.revoked_at IS NOT DISTINCT FROM OLD.revoked_at
               AND NEW.mfa_authenticated IS NOT DISTINCT FROM OLD.mfa_authenticated
               AND NEW.idle_expires_at >= OLD.idle_expires_at))
    EXECUTE FUNCTION session_revision_bump();

CREATE TRIGGER session_revision_session_deleted AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION session_revision_bump();

CREATE TRIGGER session_revision_user_changed AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.status IS DISTINCT FROM OLD.status
          OR NEW.username IS DISTINCT FROM OLD.username)
    EXECUTE FUNCTION session_revision_bump();

CREATE TRIGGER session_revision_user_deleted AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION session_revision_bump();

CREATE TRIGGER session_revision_policy_inserted AFTER INSERT ON policies
    FOR EACH ROW WHEN (NEW.name = 'session')
    EXECUTE FUNCTION session_revision_bump();

CREATE TRIGGER session_revision_policy_updated AFTER UPDATE ON policies
    FOR EACH ROW WHEN (NEW.name = 'session' OR OLD.name = 'session')
    EXECUTE FUNCTION session_revision_bump();

CREATE TRIGGER session_revision_policy_deleted AFTER DELETE ON policies
    FOR EACH ROW WHEN (OLD.name = 'session')
    EXECUTE FUNCTION session_revision_bump();
