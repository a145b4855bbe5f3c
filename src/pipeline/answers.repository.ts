// Answers with their traces, feedback on them, and each KB's tuned gate.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { GateMetrics, GateModel } from './gate-model';
import type { Citation, Decision, RejectReason, TraceEntry } from './pipeline';

export interface AnswerRecord {
  id: string;
  kbId: string;
  channel: string;
  question: string;
  decision: Decision;
  reason: RejectReason | null;
  answer: string | null;
  citations: Citation[];
  trace: TraceEntry[];
  modelCalls: number;
  durationMs: number;
  createdAt: Date;
  feedback?: { rating: 'up' | 'down'; comment: string | null; createdAt: Date }[];
}

export interface AnswerFilters {
  kbId?: string;
  decision?: Decision;
  reason?: string;
  channel?: string;
  from?: Date;
  to?: Date;
  /** Case-insensitive substring of the question or the answer. */
  text?: string;
  limit: number;
  /** Answers created before this one (the last id of the previous page). */
  before?: string;
}

export interface StoredGate {
  model: GateModel;
  metrics: GateMetrics;
  examples: { good: string[]; bad: string[] };
  tunedAt: Date;
}

interface AnswerRow {
  id: string;
  kb_id: string;
  channel: string;
  question: string;
  decision: Decision;
  reason: RejectReason | null;
  answer: string | null;
  citations: Citation[];
  trace: TraceEntry[];
  model_calls: number;
  duration_ms: number;
  created_at: Date;
}

const toRecord = (r: AnswerRow): AnswerRecord => ({
  id: r.id,
  kbId: r.kb_id,
  channel: r.channel,
  question: r.question,
  decision: r.decision,
  reason: r.reason,
  answer: r.answer,
  citations: r.citations,
  trace: r.trace,
  modelCalls: r.model_calls,
  durationMs: r.duration_ms,
  createdAt: r.created_at,
});

@Injectable()
export class AnswersRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async insert(a: Omit<AnswerRecord, 'id' | 'createdAt'>): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO answers (id, kb_id, channel, question, decision, reason, answer, citations, trace, model_calls, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        a.kbId,
        a.channel,
        a.question,
        a.decision,
        a.reason,
        a.answer,
        JSON.stringify(a.citations),
        JSON.stringify(a.trace),
        a.modelCalls,
        a.durationMs,
      ],
    );
    return id;
  }

  async get(id: string): Promise<AnswerRecord | undefined> {
    const { rows } = await this.db.query<AnswerRow>(`SELECT * FROM answers WHERE id = $1`, [id]);
    if (!rows[0]) return undefined;
    const fb = await this.db.query<{ rating: 'up' | 'down'; comment: string | null; created_at: Date }>(
      `SELECT rating, comment, created_at FROM answer_feedback WHERE answer_id = $1 ORDER BY id`,
      [id],
    );
    return {
      ...toRecord(rows[0]),
      feedback: fb.rows.map((f) => ({ rating: f.rating, comment: f.comment, createdAt: f.created_at })),
    };
  }

  /** Newest first; the trace is left out of lists (it is the bulk of a row). */
  async list(f: AnswerFilters): Promise<Omit<AnswerRecord, 'trace'>[]> {
    const { rows } = await this.db.query<AnswerRow>(
      `SELECT a.id, a.kb_id, a.channel, a.question, a.decision, a.reason, a.answer, a.citations,
              '[]'::jsonb AS trace, a.model_calls, a.duration_ms, a.created_at
         FROM answers a
        WHERE ($1::uuid IS NULL OR a.kb_id = $1)
          AND ($2::text IS NULL OR a.decision = $2)
          AND ($3::text IS NULL OR a.reason = $3)
          AND ($4::text IS NULL OR a.channel = $4)
          AND ($5::timestamptz IS NULL OR a.created_at >= $5)
          AND ($6::timestamptz IS NULL OR a.created_at < $6)
          AND ($7::text IS NULL OR a.question ILIKE '%' || $7 || '%' OR a.answer ILIKE '%' || $7 || '%')
          AND ($8::uuid IS NULL OR (a.created_at, a.id) < (SELECT created_at, id FROM answers WHERE id = $8))
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT $9`,
      [
        f.kbId ?? null,
        f.decision ?? null,
        f.reason ?? null,
        f.channel ?? null,
        f.from ?? null,
        f.to ?? null,
        f.text ? f.text.replace(/[\\%_]/g, (c) => `\\${c}`) : null,
        f.before ?? null,
        f.limit,
      ],
    );
    return rows.map((r) => {
      const { trace: _trace, ...rest } = toRecord(r);
      return rest;
    });
  }

  /** False when the answer does not exist. */
  async addFeedback(answerId: string, rating: 'up' | 'down', comment: string | null): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO answer_feedback (answer_id, rating, comment)
       SELECT id, $2, $3 FROM answers WHERE id = $1`,
      [answerId, rating, comment],
    );
    return rowCount === 1;
  }

  /** The same question in the same KB and channel within the window (platforms redeliver events). */
  async recentlyAsked(kbId: string, channel: string, question: string, seconds: number): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM answers
        WHERE kb_id = $1 AND channel = $2 AND question = $3 AND created_at > now() - make_interval(secs => $4)
        LIMIT 1`,
      [kbId, channel, question, seconds],
    );
    return rows.length > 0;
  }

  async gate(kbId: string): Promise<StoredGate | undefined> {
    const { rows } = await this.db.query<{
      model: GateModel;
      metrics: GateMetrics;
      examples: StoredGate['examples'];
      tuned_at: Date;
    }>(`SELECT model, metrics, examples, tuned_at FROM gate_models WHERE kb_id = $1`, [kbId]);
    const r = rows[0];
    return r && { model: r.model, metrics: r.metrics, examples: r.examples, tunedAt: r.tuned_at };
  }

  async saveGate(kbId: string, g: Omit<StoredGate, 'tunedAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO gate_models (kb_id, model, metrics, examples, tuned_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (kb_id) DO UPDATE SET model = $2, metrics = $3, examples = $4, tuned_at = now()`,
      [kbId, JSON.stringify(g.model), JSON.stringify(g.metrics), JSON.stringify(g.examples)],
    );
  }
}
