-- Identity of the store: one row, written once when the store is created.
-- (PostgreSQL translation of sqlite/0001: INTEGER is BIGINT; PostgreSQL enforces column types
-- itself, which is what STRICT does in SQLite.)
CREATE TABLE store_metadata (
    singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
    store_id TEXT NOT NULL CHECK (length(store_id) = 36),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- One row per applied migration; the highest version is the schema version.
CREATE TABLE schema_migrations (
    version BIGINT PRIMARY KEY CHECK (version > 0),
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
