// The answer step against the OpenAI-compatible test server: streaming holds back a refusal,
// citations are checked, engine failures fall back or reject as the KB says.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIChatModel } from '../../../src/inference/chat-model';
import { AnswerStep } from '../../../src/pipeline/answer.step';
import type { PipelineState } from '../../../src/pipeline/pipeline';
import { TriageStep } from '../../../src/pipeline/triage.step';
import type { FusedHit } from '../../../src/retrieval/fusion';
import { Tokenizer } from '../../../src/retrieval/tokenizer';
import { startOpenAIServer, type OpenAITestServer } from '../../support/openai-server';

let llm: OpenAITestServer;
let model: OpenAIChatModel;
const tokenizer = new Tokenizer();

beforeAll(async () => {
  llm = await startOpenAIServer();
  model = new OpenAIChatModel({ baseURL: llm.baseURL, model: 'm', timeoutMs: 1000, maxRetries: 0, concurrency: 2 });
});
afterAll(() => llm.close());
beforeEach(() => llm.reset());

const hit: FusedHit = {
  chunkId: '1',
  documentId: 'd1',
  versionId: 'v1',
  title: 'Travel',
  text: 'The hotel budget is 180 EUR per night in Munich.',
  headingPath: ['Travel', 'Hotels'],
  page: null,
  metadata: {},
  score: 1,
  signals: {},
};

const state = (onDelta?: (t: string) => void): PipelineState => ({
  kb: {
    id: 'kb',
    slug: 'kb',
    name: 'kb',
    settings: {},
    embedding: { active: 'builtin-hash-512', target: null, state: 'ready' },
    createdAt: new Date(),
    updatedAt: new Date(),
  },
  input: { question: 'What is the hotel budget in Munich?', channel: 'test', onDelta },
  question: 'What is the hotel budget in Munich?',
  query: 'What is the hotel budget in Munich?',
  hits: [hit],
  citations: [],
  modelCalls: 0,
  trace: [],
});

describe('AnswerStep with an engine', () => {
  it('streams the answer and never lets a NO_ANSWER refusal reach the client', async () => {
    const step = new AnswerStep(() => tokenizer, model);
    llm.script({ content: 'NO_ANSWER — the passages do not say.', chunkDelayMs: 1 });
    const seen: string[] = [];
    const refused = await step.run(state((t) => seen.push(t)));
    expect(refused.reject).toBe('unsupported_answer');
    expect(seen.join('')).toBe('');

    llm.script({ content: 'It is 180 EUR per night [1].', chunkDelayMs: 1 });
    const s = state((t) => seen.push(t));
    const ok = await step.run(s);
    expect(ok).toMatchObject({ answered: true, modelCalls: 1 });
    expect(seen.join('')).toBe('It is 180 EUR per night [1].');
    expect(s.citations.map((c) => c.n)).toEqual([1]);
  });

  it('falls back to the extractive answer, or rejects with engine_unavailable', async () => {
    llm.inject('chat', { status: 503 }, { status: 503 });
    const fallback = await new AnswerStep(() => tokenizer, model).run(state());
    expect(fallback).toMatchObject({ adapter: 'builtin-extractive-v1', answered: true, modelCalls: 1 });
    const strict = await new AnswerStep(() => tokenizer, model, { onEngineFailure: 'reject', maxTokens: 100 }).run(
      state(),
    );
    expect(strict).toMatchObject({ reject: 'engine_unavailable', modelCalls: 1 });
  });
});

describe('TriageStep with an engine', () => {
  it('falls back to the built-in classifier when the engine fails or returns no JSON', async () => {
    const step = new TriageStep(model);
    llm.inject('chat', { status: 500 });
    const s = state();
    const failed = await step.run(s);
    expect(failed).toMatchObject({ adapter: 'builtin-triage-v1', modelCalls: 1 });
    expect(failed.reject).toBeUndefined();
    llm.script('sure, it is a question');
    const prose = await step.run(state());
    expect(prose).toMatchObject({ adapter: 'builtin-triage-v1', modelCalls: 1 });
    expect((prose.output as { fallback: string }).fallback).toMatch(/not JSON/);
  });
});
