-- Service token validation keeps what it read too (see 0008), so the counter now also moves
-- whenever a change could end a service token that validated before: a token revoked,
-- deactivated, given another owner, expiry or scopes, or deleted; a secret added (rotation),
-- retired or deleted. Its name follows: it counts changes to any credential.
--
-- Not moved by the last-use record of validation itself (last_used_at, _ip, _user_agent).
ALTER TABLE session_revision RENAME TO credential_revision;

-- SQLite rewrites the triggers of 0008 when their table is renamed; PostgreSQL keeps a
-- function's body as text and does not. So the function those triggers call (they name it by
-- identity, not by name) is renamed and given the new table; the triggers below call it too.
ALTER FUNCTION session_revision_bump() RENAME TO credential_revision_bump;

CREATE OR REPLACE FUNCTION credential_revision_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER credential_revision_token_changed AFTER UPDATE ON service_tokens
    FOR EACH ROW
    WHEN (NOT (NEW.id IS NOT DISTINCT FROM OLD.id
               AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id
               AND NEW.name IS NOT DISTINCT FROM OLD.name
               AND NEW.expires_at IS NOT DISTINCT FROM OLD.expires_at
               AND NEW.generation IS NOT DISTINCT FROM OLD.generation
               AND NEW.rotated_at IS NOT DISTINCT FROM OLD.rotated_at
               AND NEW.deactivated_at IS NOT DISTINCT FROM OLD.deactivated_at
               AND NEW.revoked_at IS NOT DISTINCT FROM OLD.revoked_at))
    EXECUTE FUNCTION credential_revision_bump();

CREATE TRIGGER credential_revision_token_deleted AFTER DELETE ON service_tokens
    FOR EACH ROW EXECUTE FUNCTION credential_revision_bump();

CREATE TRIGGER credential_revision_scope_added AFTER INSERT ON service_token_scopes
    FOR EACH ROW EXECUTE FUNCTION credential_revision_bump();

CREATE TRIGGER credential_revision_scope_changed AFTER UPDATE ON service_token_scopes
    FOR EACH ROW EXECUTE FUNCTION credential_revision_bump();

CREATE TRIGGER credential_revision_scope_deleted AFTER DELETE ON service_token_scopes
    FOR EACH ROW EXECUTE FUNCTION credential_revision_bump();

CREATE TRIGGER credential_revision_secret_added AFTER INSERT ON service_token_secrets
    FOR EACH ROW EXECUTE FUNCTION credential_revision_bump();

CREATE TRIGGER credential_revision_secret_changed AFTER UPDATE ON service_token_secrets
    FOR EACH ROW EXECUTE FUNCTION credential_revision_bump();

CREATE TRIGGER credential_revision_secret_deleted AFTER DELETE ON service_token_secrets
    FOR EACH ROW EXECUTE FUNCTION credential_revision_bump();
