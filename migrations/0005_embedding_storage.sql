-- Keep embeddings inline and uncompressed (PLAIN). A 512-d vector is just over TOAST's 2 kB
-- threshold, so by default each one went to the TOAST table (3 buffer reads per row), and
-- MAIN storage compresses the sparse hashed vectors (every distance then decompresses). Measured
-- on 10k chunks: exact scan 60 ms (default) -> 18 ms (PLAIN), and the planner now prefers the
-- HNSW index (p50 7 ms). Limit: a row must fit one 8 kB page, so PLAIN holds vectors up to about
-- 1,900 dimensions; a larger embedder needs its own table (noted for the embedder adapter).
ALTER TABLE chunks ALTER COLUMN embedding SET STORAGE PLAIN;
