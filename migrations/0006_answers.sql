-- The answer pipeline's record: every asked question with its decision, answer, citations and
-- the full step-by-step trace; feedback on answers; and each KB's tuned gate.

CREATE TABLE answers (
  id           uuid PRIMARY KEY,
  kb_id        uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
  channel      text NOT NULL,
  question     text NOT NULL,
  decision     text NOT NULL CHECK (decision IN ('answer', 'reject')),
  reason       text,
  answer       text,
  citations    jsonb NOT NULL DEFAULT '[]'::jsonb,
  trace        jsonb NOT NULL,
  model_calls  int NOT NULL DEFAULT 0,
  duration_ms  int NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX answers_kb_created_idx ON answers (kb_id, created_at DESC, id);
CREATE INDEX answers_created_idx ON answers (created_at DESC, id);

CREATE TABLE answer_feedback (
  id          bigserial PRIMARY KEY,
  answer_id   uuid NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
  rating      text NOT NULL CHECK (rating IN ('up', 'down')),
  comment     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX answer_feedback_answer_idx ON answer_feedback (answer_id);

-- One tuned gate per KB; the examples it was tuned on are kept so it can be re-tuned.
CREATE TABLE gate_models (
  kb_id     uuid PRIMARY KEY REFERENCES knowledge_bases(id) ON DELETE CASCADE,
  model     jsonb NOT NULL,
  metrics   jsonb NOT NULL,
  examples  jsonb NOT NULL,
  tuned_at  timestamptz NOT NULL DEFAULT now()
);
