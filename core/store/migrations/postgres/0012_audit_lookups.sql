-- Audit lookups in the shape of CloudTrail's LookupEvents: every lookup attribute has an index
-- that yields its records newest first (attribute, time, seq), so a page is a range scan of
-- one index whatever else narrows it.
CREATE INDEX audit_events_source ON audit_events (event_source, event_time, seq);
CREATE INDEX audit_events_source_ip ON audit_events (source_ip, event_time, seq);
CREATE INDEX audit_events_read_only ON audit_events (read_only, event_time, seq);
CREATE INDEX audit_events_access_key ON audit_events (access_key_id, event_time, seq)
    WHERE access_key_id IS NOT NULL;
CREATE INDEX audit_events_error ON audit_events (error_code, event_time, seq)
    WHERE error_code IS NOT NULL;

-- A record can name several resources; each is a row here, derived from the record (so it
-- needs no place in the hash chain: it can always be rebuilt from the records).
CREATE TABLE audit_resources (
    seq BIGINT NOT NULL,
    event_time TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_name TEXT NOT NULL
);
CREATE INDEX audit_resources_name ON audit_resources (resource_name, event_time, seq);
CREATE INDEX audit_resources_type ON audit_resources (resource_type, event_time, seq);
CREATE INDEX audit_resources_seq ON audit_resources (seq);

-- The resources of the records already there (SQLite: json_each over $.resources and
-- json_extract of $.type and $.ARN). A record whose resources are not an array names none,
-- where json_each would also have walked an object's members.
INSERT INTO audit_resources (seq, event_time, resource_type, resource_name)
SELECT e.seq, e.event_time, r.value ->> 'type', r.value ->> 'ARN'
FROM audit_events e
CROSS JOIN LATERAL json_array_elements(
    CASE WHEN json_typeof(e.record::json -> 'resources') = 'array'
         THEN e.record::json -> 'resources' ELSE '[]'::json END) AS r (value)
WHERE r.value ->> 'type' IS NOT NULL AND r.value ->> 'ARN' IS NOT NULL;
