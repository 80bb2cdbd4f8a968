-- Tamper evidence for the audit trail (SEC-45). Every record carries the hash of the record
-- before it and its own hash over canonical bytes (AuditChain), so an edit, a deletion or a
-- reordering breaks the chain at that record. Records written before this version have no
-- hashes; the first record appended afterwards chains them.
ALTER TABLE audit_events ADD COLUMN prev_hash BYTEA;
ALTER TABLE audit_events ADD COLUMN entry_hash BYTEA;

-- Where the chain stands. `head` is the last record appended, so a record deleted from the
-- end still leaves a gap before the next one. `base` is the last record moved to an archive
-- (none: 0 and 32 zero bytes): the first record kept must follow it.
CREATE TABLE audit_chain (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    base_seq BIGINT NOT NULL,
    base_hash BYTEA NOT NULL,
    head_seq BIGINT NOT NULL,
    head_hash BYTEA NOT NULL
);
-- decode(repeat('00', 32), 'hex') is SQLite's zeroblob(32).
INSERT INTO audit_chain (id, base_seq, base_hash, head_seq, head_hash)
VALUES (1, 0, decode(repeat('00', 32), 'hex'), 0, decode(repeat('00', 32), 'hex'));

-- Signed checkpoints: the log's size and head hash at a time, signed with an Ed25519 key
-- kept outside the database, each naming the signature of the one before (like CloudTrail's
-- digest files). Every checkpoint is also announced by an audit record in the chain, so
-- deleting rows here is noticed.
CREATE TABLE audit_checkpoints (
    size BIGINT PRIMARY KEY,
    head_hash BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    previous_signature BYTEA,
    key_fingerprint TEXT NOT NULL,
    signature BYTEA NOT NULL
);
