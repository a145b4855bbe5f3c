-- Free-form labels an admin puts on documents, for search filters ("hr", "policy", "2026").
-- Stored normalized (trimmed, lowercased) by the API; a search filter matches any of its tags,
-- which the GIN index answers with the && operator.
ALTER TABLE documents ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX documents_tags_idx ON documents USING gin (tags);
