-- Mado schema, version 7: the audit log becomes readable (Mado.ListAuditEvents, `mado audit`).
--
-- Each entry also keeps where the request came from (the peer address), what it targeted
-- (X-Amz-Target, or the agent route's path) and the request id the client was answered with.
-- Listings are newest first and filtered by key, operation or outcome within a time range: one
-- index per filter, each ending in `at` so that the sort comes from the index.

ALTER TABLE audit_log ADD COLUMN source_ip TEXT;
ALTER TABLE audit_log ADD COLUMN target TEXT;
ALTER TABLE audit_log ADD COLUMN request_id TEXT;

CREATE INDEX audit_log_by_key ON audit_log (access_key_id, at);
CREATE INDEX audit_log_by_operation ON audit_log (operation, at);
CREATE INDEX audit_log_by_outcome ON audit_log (outcome, at);
