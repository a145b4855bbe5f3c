-- "Parsed with warnings": a version that became ready although its file was damaged (a rebuilt
-- PDF cross-reference table, broken pictures in a deck, Markdown that is not UTF-8) records one
-- admin-facing sentence per defect. Empty for a sound file, and for versions that failed: their
-- error says why.
ALTER TABLE document_versions ADD COLUMN warnings text[] NOT NULL DEFAULT '{}';
