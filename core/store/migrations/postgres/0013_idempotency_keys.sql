-- The answers to creating admin requests, by the caller's Idempotency-Key, so that a retried
-- request never creates twice, whichever server instance it reaches. A row is 'pending' while
-- its request runs; 'done' rows keep the answer for 24 hours, without any secret in it (a new
-- service token's secret is shown once).
CREATE TABLE idempotency_keys (
    caller_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    status BIGINT,
    response BYTEA,
    created_at TEXT NOT NULL,
    PRIMARY KEY (caller_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
