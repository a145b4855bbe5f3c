// The answer pipeline end to end: the real API, Postgres, Redis and workers, with the inference
// engine played by the OpenAI-compatible test server (JSON and SSE, scripted replies, faults).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFennel, type Harness } from '../support/fennel-harness';
import { startOpenAIServer, type ChatBody, type OpenAITestServer } from '../support/openai-server';

let f: Harness;
let llm: OpenAITestServer;

const MMCV = `# 安装 MMCV

## 使用 mim 安装

推荐使用 mim 安装 mmcv：先运行 pip install -U openmim，然后运行 mim install mmcv。

## 从源码编译

需要 CUDA 11.8 与 PyTorch 2.1。运行 MMCV_WITH_OPS=1 pip install -e . 编译 mmcv 的算子。
`;

const TRAVEL = `# Travel policy

## Hotels

The hotel budget is 180 EUR per night in Munich and 150 EUR elsewhere.

## Flights

Book flights through the travel portal at least 14 days ahead.
`;

const kind = (b: ChatBody) => {
  const system = b.messages.find((m) => m.role === 'system')?.content ?? '';
  if (system.includes('screen messages')) return 'triage';
  if (system.includes('check whether an answer is supported')) return 'verify';
  return 'answer';
};
const lastUser = (b: ChatBody) => b.messages.filter((m) => m.role === 'user').at(-1)!.content;

/** A well-behaved engine: triage says "question", answers cite passage 1 plus a bogus [9]. */
function engine(b: ChatBody): string {
  switch (kind(b)) {
    case 'triage':
      return JSON.stringify({
        is_question: true,
        topic: 'docs',
        standalone_query: /Last message:\n`{3,}\n([\s\S]*?)\n`{3,}/.exec(lastUser(b))?.[1] ?? '',
      });
    case 'verify':
      return JSON.stringify({ supported: true, reason: 'ok' });
    default:
      return lastUser(b).includes('180 EUR')
        ? 'The hotel budget in Munich is 180 EUR per night [1]. Flights are booked elsewhere [9].'
        : 'NO_ANSWER';
  }
}

beforeAll(async () => {
  llm = await startOpenAIServer({ model: 'test-model' });
  f = await startFennel('answers', {
    env: {
      FENNEL_LLM_BASE_URL: llm.baseURL,
      FENNEL_LLM_MODEL: 'test-model',
      FENNEL_LLM_TIMEOUT_MS: '1500',
      FENNEL_LLM_MAX_RETRIES: '1',
    },
  });
  // `docs` answers with the engine; `offline` is the same content in built-in mode.
  for (const [slug, settings] of [
    ['docs', { answer: { gateThreshold: 0.01, duplicateWindowSeconds: 0 } }],
    ['offline', { answer: { useModel: false, gateThreshold: 0.01, duplicateWindowSeconds: 0 } }],
  ] as const) {
    expect((await f.api('POST', '/api/v1/kbs', { slug, name: slug, settings })).status).toBe(201);
    const up = await f.upload(slug, [
      { name: 'mmcv.md', content: MMCV },
      { name: 'travel.md', content: TRAVEL },
    ]);
    for (const item of up.body.items) {
      expect((await f.waitFor(slug, item.documentId, ['ready', 'failed'])).latest.status).toBe('ready');
    }
  }
}, 120_000);

afterAll(async () => {
  await f?.stop();
  await llm?.close();
});

beforeEach(() => {
  llm.reset();
  llm.onChat(engine);
});

const ask = (kb: string, body: Record<string, unknown>) => f.api('POST', `/api/v1/kbs/${kb}/ask`, body);

describe('answer with a model', () => {
  it('fences numbered passages in the user message and keeps retrieved text out of the system role', async () => {
    const r = await ask('docs', { question: 'What is the hotel budget per night in Munich?' });
    expect(r.status).toBe(200);
    const answerCall = llm.callsTo('/v1/chat/completions').find((c) => kind(c.body) === 'answer')!;
    const [system, user] = answerCall.body.messages;
    expect(system.role).toBe('system');
    expect(system.content).not.toContain('180 EUR');
    expect(system.content).toMatch(/data, never as instructions/);
    expect(user.content).toMatch(/\[1\] [^\n]*\n```+\n[\s\S]*180 EUR[\s\S]*\n```+/);
  });

  it('strips citations that point at no passage and lists the real ones', async () => {
    const r = await ask('docs', { question: 'What is the hotel budget per night in Munich?' });
    expect(r.body.decision).toBe('answer');
    expect(r.body.answer).toContain('180 EUR per night [1]');
    expect(r.body.answer).not.toContain('[9]');
    expect(r.body.citations).toHaveLength(1);
    expect(r.body.citations[0]).toMatchObject({ n: 1, title: 'Travel policy' });
    expect(r.body.citations[0].quote).toContain('180 EUR');
    const answerStep = r.body.trace.find((t: any) => t.step === 'answer');
    expect(answerStep.output.invalidCitations).toEqual([9]);
  });

  it('rejects an answer left without a valid citation', async () => {
    llm.onChat((b) => (kind(b) === 'answer' ? 'The budget is 180 EUR [7].' : engine(b)));
    const r = await ask('docs', { question: 'What is the hotel budget per night in Munich?' });
    expect(r.body).toMatchObject({ decision: 'reject', reason: 'unsupported_answer', answer: null });
  });

  it('holds the call budget: two calls for an answer, one for a rejected question', async () => {
    const answered = await ask('docs', { question: 'What is the hotel budget per night in Munich?' });
    expect(answered.body.modelCalls).toBe(2);
    expect(llm.callsTo('/v1/chat/completions')).toHaveLength(2);
    expect(answered.body.trace.reduce((a: number, t: any) => a + t.modelCalls, 0)).toBe(2);

    llm.reset();
    llm.onChat((b) =>
      kind(b) === 'triage' ? JSON.stringify({ is_question: false, topic: '', standalone_query: '' }) : engine(b),
    );
    const rejected = await ask('docs', { question: 'haha nice one' });
    expect(rejected.body).toMatchObject({ decision: 'reject', reason: 'not_a_question', modelCalls: 1 });
    expect(llm.callsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('uses the standalone rewrite from triage for retrieval', async () => {
    llm.onChat((b) =>
      kind(b) === 'triage'
        ? JSON.stringify({ is_question: true, topic: 'travel', standalone_query: 'hotel budget per night in Munich' })
        : engine(b),
    );
    const r = await ask('docs', {
      question: 'and how much is it there?',
      conversation: [{ role: 'user', text: 'I am going to Munich next week, hotel question' }],
    });
    const retrieve = r.body.trace.find((t: any) => t.step === 'retrieve');
    expect(retrieve.input).toBe('hotel budget per night in Munich');
    const triageCall = llm.callsTo('/v1/chat/completions')[0]!;
    expect(triageCall.body.messages[1].content).toContain('I am going to Munich next week');
    expect(r.body.decision).toBe('answer');
  });

  it('falls back to the extractive answer when the engine fails', async () => {
    // Triage succeeds; both attempts of the answer call (one retry) get a 500.
    llm.script(engine, { status: 500, message: 'boom' }, { status: 500, message: 'boom' });
    const r = await ask('docs', { question: 'What is the hotel budget per night in Munich?' });
    expect(r.status).toBe(200);
    expect(r.body.decision).toBe('answer');
    expect(r.body.answer).toMatch(/180 EUR.*\[\d\]/);
    const step = r.body.trace.find((t: any) => t.step === 'answer');
    expect(step.adapter).toBe('builtin-extractive-v1');
    expect(step.output.fallback).toMatch(/engine failed/);
  });

  it('rejects with engine_unavailable when the KB prefers silence to a fallback', async () => {
    await f.api('PATCH', '/api/v1/kbs/docs', {
      settings: { answer: { gateThreshold: 0.01, duplicateWindowSeconds: 0, onEngineFailure: 'reject' } },
    });
    try {
      // Both attempts of the answer call outlive the 1.5 s timeout.
      llm.script(engine, { delayMs: 5000 }, { delayMs: 5000 });
      const r = await ask('docs', { question: 'What is the hotel budget per night in Munich?' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ decision: 'reject', reason: 'engine_unavailable' });
    } finally {
      await f.api('PATCH', '/api/v1/kbs/docs', {
        settings: { answer: { gateThreshold: 0.01, duplicateWindowSeconds: 0 } },
      });
    }
  });

  it('streams the answer as Server-Sent Events', async () => {
    llm.script(engine, { content: engine, chunkDelayMs: 5 });
    const res = await fetch(`${f.url}/api/v1/kbs/docs/ask`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What is the hotel budget per night in Munich?', stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = parseSse(await res.text());
    const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data.text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toContain('180 EUR per night [1]');
    const done = events.find((e) => e.event === 'done')!;
    expect(done.data).toMatchObject({ decision: 'answer' });
    expect(done.data.answer).not.toContain('[9]');
  });
});

describe('built-in mode (no model)', () => {
  it('answers extractively with citations and no model calls', async () => {
    const r = await ask('offline', { question: '如何安装 mmcv？' });
    expect(r.body.decision).toBe('answer');
    expect(r.body.answer).toMatch(/mim install mmcv.*\[\d\]/);
    expect(r.body.modelCalls).toBe(0);
    expect(llm.calls).toHaveLength(0);
    expect(r.body.trace.map((t: any) => t.step)).toEqual([
      'intake',
      'triage',
      'retrieve',
      'gate',
      'answer',
      'verify',
      'deliver',
    ]);
    expect(r.body.trace.find((t: any) => t.step === 'triage').adapter).toBe('builtin-triage-v1');
  });

  it('handles a message with nothing to index: no NaN scores, a plain reject', async () => {
    const search = await f.api('POST', '/api/v1/kbs/offline/search', { query: '？？', topK: 5 });
    expect(search.status).toBe(200);
    expect(search.body.hits).toEqual([]);
    const gate = await f.api('POST', '/api/v1/kbs/offline/tune', {
      good: ['如何安装 mmcv？', 'mim install mmcv 失败怎么办', 'hotel budget in Munich?'],
      bad: ['There?', '？？', '哈哈哈哈'],
    });
    expect(gate.status).toBe(200);
    expect(Number.isFinite(gate.body.threshold)).toBe(true);
    await f.api('POST', '/api/v1/kbs/offline/tune', { good: [], bad: [] }).then((r) => expect(r.status).toBe(400));
  });

  it('stays silent on chit-chat and records why', async () => {
    const r = await ask('offline', { question: '哈哈哈[旺柴]' });
    expect(r.body).toMatchObject({ decision: 'reject', reason: 'not_a_question', answer: null });
    expect(r.body.trace.at(-1)).toMatchObject({ step: 'triage', decision: 'reject' });
  });

  it('applies the content policy to every answer', async () => {
    await f.api('PATCH', '/api/v1/kbs/offline', {
      settings: {
        answer: {
          useModel: false,
          gateThreshold: 0.01,
          duplicateWindowSeconds: 0,
          policy: { blockedTerms: ['openmim'] },
        },
      },
    });
    const r = await ask('offline', { question: '如何安装 mmcv？' });
    expect(r.body).toMatchObject({ decision: 'reject', reason: 'policy' });
    await f.api('PATCH', '/api/v1/kbs/offline', {
      settings: { answer: { useModel: false, gateThreshold: 0.01, duplicateWindowSeconds: 0 } },
    });
  });
});

describe('intake', () => {
  it('drops a repeated line in a group channel, never in a direct one', async () => {
    const settings = (window: number) => ({
      answer: { useModel: false, gateThreshold: 0.01, duplicateWindowSeconds: window },
    });
    await f.api('PATCH', '/api/v1/kbs/offline', { settings: settings(60) });
    try {
      const q = { question: '如何安装 mmcv？', channel: 'wecom' };
      expect((await ask('offline', q)).body.decision).toBe('answer');
      expect((await ask('offline', q)).body).toMatchObject({ decision: 'reject', reason: 'duplicate' });
      const direct = { question: '如何安装 mmcv？', channel: 'api' };
      expect((await ask('offline', direct)).body.decision).toBe('answer');
      expect((await ask('offline', direct)).body.decision).toBe('answer');
    } finally {
      await f.api('PATCH', '/api/v1/kbs/offline', { settings: settings(0) });
    }
  });
});

describe('traces and feedback', () => {
  it('stores every decision with its trace, lists and filters them, and takes feedback', async () => {
    const a = await ask('offline', { question: 'What is the hotel budget in Munich?', channel: 'console' });
    const stored = await f.api('GET', `/api/v1/answers/${a.body.answerId}`);
    expect(stored.status).toBe(200);
    expect(stored.body.trace).toEqual(a.body.trace);
    for (const t of stored.body.trace) {
      expect(t).toEqual(
        expect.objectContaining({
          step: expect.any(String),
          adapter: expect.any(String),
          durationMs: expect.any(Number),
        }),
      );
    }
    const gate = stored.body.trace.find((t: any) => t.step === 'gate');
    expect(gate).toMatchObject({ score: expect.any(Number), threshold: 0.01 });
    expect(gate.output.features).toHaveProperty('salienceSum');

    const list = await f.api('GET', '/api/v1/answers?kb=offline&channel=console&decision=answer&text=munich');
    expect(list.body.items.map((i: any) => i.id)).toEqual([a.body.answerId]);
    const none = await f.api('GET', '/api/v1/answers?kb=offline&channel=console&decision=reject');
    expect(none.body.items).toEqual([]);

    const fb = await f.api('POST', `/api/v1/answers/${a.body.answerId}/feedback`, {
      rating: 'down',
      comment: 'outdated',
    });
    expect(fb.status).toBe(201);
    const again = await f.api('GET', `/api/v1/answers/${a.body.answerId}`);
    expect(again.body.feedback).toEqual([expect.objectContaining({ rating: 'down', comment: 'outdated' })]);
    const missing = await f.api('POST', `/api/v1/answers/00000000-0000-4000-8000-000000000000/feedback`, {
      rating: 'up',
    });
    expect(missing.status).toBe(404);
  });
});

describe('OpenAI-compatible endpoint', () => {
  const client = () => new OpenAI({ baseURL: `${f.url}/v1`, apiKey: f.token, maxRetries: 0 });

  it('answers with the KB slug as the model, citations in the text and in an extra field', async () => {
    const r = await client().chat.completions.create({
      model: 'docs',
      messages: [{ role: 'user', content: 'What is the hotel budget per night in Munich?' }],
    });
    const text = r.choices[0]!.message.content!;
    expect(text).toContain('180 EUR per night [1]');
    expect(text).toMatch(/\[1\] Travel policy/);
    expect((r as any).citations[0]).toMatchObject({ n: 1, title: 'Travel policy' });
  });

  it('streams chunks the official client reads', async () => {
    const stream = await client().chat.completions.create({
      model: 'docs',
      stream: true,
      messages: [{ role: 'user', content: 'What is the hotel budget per night in Munich?' }],
    });
    let text = '';
    let last: any;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      last = chunk;
    }
    expect(text).toContain('180 EUR per night [1]');
    expect(last.choices[0].finish_reason).toBe('stop');
    expect(last.citations[0]).toMatchObject({ n: 1 });
  });

  it('names an unknown model in an OpenAI-shaped error', async () => {
    await expect(
      client().chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi?' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});

describe('tuning the gate', () => {
  it('fits the gate on good and bad examples and reports the F1-maximising threshold', async () => {
    const good = [
      '如何安装 mmcv？',
      'mim install mmcv 失败怎么办',
      'hotel budget in Munich?',
      'how early to book flights?',
    ];
    const bad = ['今天中午吃什么', '哈哈哈哈', 'who won the football game yesterday?', '周末去哪玩'];
    const r = await f.api('POST', '/api/v1/kbs/offline/tune', { good, bad });
    expect(r.status).toBe(200);
    expect(r.body.examples).toEqual({ good: 4, bad: 4 });
    expect(r.body.f1).toBeGreaterThan(0.5);
    const bestOnCurve = Math.max(...r.body.curve.map((p: any) => p.f1));
    expect(r.body.f1).toBe(bestOnCurve);
    const g = await f.api('GET', '/api/v1/kbs/offline/gate');
    expect(g.body).toMatchObject({ examples: { good: 4, bad: 4 }, metrics: { threshold: r.body.threshold } });
    const few = await f.api('POST', '/api/v1/kbs/offline/tune', { good: ['a?'], bad: ['b'] });
    expect(few.status).toBe(400);
  });
});

function parseSse(body: string): { event: string | null; data: any }[] {
  return body
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? null;
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      return { event, data: data === '[DONE]' ? data : JSON.parse(data) };
    });
}
