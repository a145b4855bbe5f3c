-- Fencing token for ingest runs. BullMQ can hand a job to a second worker while the first is
-- still running (a missed lock renewal counts as a stall). Each run claims the version with a
-- fresh token and every write checks it, so only the latest claim can write chunks or finish.
ALTER TABLE document_versions ADD COLUMN run_token uuid;
