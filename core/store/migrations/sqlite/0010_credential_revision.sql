-- Service token validation keeps what it read too (see 0008), so the counter now also moves
-- whenever a change could end a service token that validated before: a token revoked,
-- deactivated, given another owner, expiry or scopes, or deleted; a secret added (rotation),
-- retired or deleted. Its name follows: it counts changes to any credential. (Renaming the
-- table rewrites the triggers of 0008 that move it.)
--
-- Not moved by the last-use record of validation itself (last_used_at, _ip, _user_agent).
ALTER TABLE session_revision RENAME TO credential_revision;

CREATE TRIGGER credential_revision_token_changed AFTER UPDATE ON service_tokens
WHEN NOT (NEW.id IS OLD.id AND NEW.user_id IS OLD.user_id AND NEW.name IS OLD.name
          AND NEW.expires_at IS OLD.expires_at AND NEW.generation IS OLD.generation
          AND NEW.rotated_at IS OLD.rotated_at AND NEW.deactivated_at IS OLD.deactivated_at
          AND NEW.revoked_at IS OLD.revoked_at)
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER credential_revision_token_deleted AFTER DELETE ON service_tokens
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER credential_revision_scope_added AFTER INSERT ON service_token_scopes
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER credential_revision_scope_changed AFTER UPDATE ON service_token_scopes
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER credential_revision_scope_deleted AFTER DELETE ON service_token_scopes
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER credential_revision_secret_added AFTER INSERT ON service_token_secrets
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER credential_revision_secret_changed AFTER UPDATE ON service_token_secrets
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER credential_revision_secret_deleted AFTER DELETE ON service_token_secrets
BEGIN
    UPDATE credential_revision SET value = value + 1 WHERE id = 1;
END;
