// The pure parts of answering: citations, the extractive answer, the content policy, prompts.
import { describe, expect, it } from 'vitest';
import { checkCitations } from '../../../src/pipeline/citations';
import { formatReply, rejectionText } from '../../../src/pipeline/deliver.step';
import { extractiveAnswer } from '../../../src/pipeline/extractive';
import { checkPolicy } from '../../../src/pipeline/policy';
import { answerMessages, fence, languageOf, triageMessages } from '../../../src/pipeline/prompts';
import type { FusedHit } from '../../../src/retrieval/fusion';
import { Tokenizer } from '../../../src/retrieval/tokenizer';

const hit = (n: number, text: string, title = `Doc ${n}`): FusedHit => ({
  chunkId: String(n),
  documentId: `d${n}`,
  versionId: `v${n}`,
  title,
  text,
  headingPath: [title, 'Section'],
  page: n === 2 ? 7 : null,
  metadata: {},
  score: 1 / n,
  signals: {},
});

const passages = [
  hit(1, 'The hotel budget is 180 EUR per night in Munich. Breakfast is included.'),
  hit(2, 'Flights are booked through the travel portal 14 days ahead.'),
];

describe('checkCitations', () => {
  it('keeps valid markers, removes ones that point at no passage, lists cited passages once', () => {
    const c = checkCitations('Budget is 180 EUR [1][3]. Book early [2]. Again [1] and [0].', passages);
    expect(c.text).toBe('Budget is 180 EUR [1]. Book early [2]. Again [1] and.');
    expect(c.invalid).toEqual([3, 0]);
    expect(c.citations.map((x) => [x.n, x.documentId, x.page])).toEqual([
      [1, 'd1', null],
      [2, 'd2', 7],
    ]);
    expect(c.citations[0]!.quote).toContain('180 EUR');
  });

  it('returns no citations for an answer without valid markers', () => {
    expect(checkCitations('No sources here [9].', passages).citations).toEqual([]);
  });
});

describe('extractiveAnswer', () => {
  const tok = new Tokenizer();

  it('picks the sentences that match the question, each with its passage number', () => {
    const a = extractiveAnswer('hotel budget per night in Munich', passages, tok);
    expect(a).toContain('The hotel budget is 180 EUR per night in Munich. [1]');
    expect(a).not.toContain('Breakfast');
  });

  it('works for Chinese', () => {
    const zh = [hit(1, '推荐使用 mim 安装 mmcv。需要先安装 openmim。'), hit(2, '编译算子需要 CUDA 11.8。')];
    expect(extractiveAnswer('如何安装 mmcv', zh, tok)).toMatch(/mim 安装 mmcv。 \[1\]/);
  });
});

describe('checkPolicy', () => {
  it('blocks terms case-insensitively and patterns as regular expressions', () => {
    expect(checkPolicy('Call HR at ext. 1234', { blockedTerms: ['hr'] })).toEqual({
      allowed: false,
      matched: 'term "hr"',
    });
    expect(checkPolicy('salary is 5000', { blockedPatterns: ['salar(y|ies)'] }).allowed).toBe(false);
    expect(checkPolicy('all fine', { blockedTerms: ['secret'], blockedPatterns: ['\\d{16}'] }).allowed).toBe(true);
  });
});

describe('prompts', () => {
  it('fences passages with a fence longer than any backtick run inside them', () => {
    expect(fence('a ``` b')).toBe('````\na ``` b\n````');
  });

  it('numbers passages in the user message and keeps their text out of the system message', () => {
    const [system, user] = answerMessages('What is the hotel budget?', passages);
    expect(system!.role).toBe('system');
    expect(system!.content).not.toContain('180 EUR');
    expect(user!.content).toContain('[1] Doc 1 › Doc 1 › Section\n```\nThe hotel budget');
    expect(user!.content).toContain('[2] Doc 2 › Doc 2 › Section (page 7)');
  });

  it("answers in the question's language", () => {
    expect(languageOf('如何安装 mmcv?')).toBe('zh');
    expect(languageOf('How do I install mmcv?')).toBe('en');
    expect(answerMessages('如何安装?', passages)[0]!.content).toContain('Reply in Chinese');
    expect(answerMessages('How to install?', passages)[0]!.content).toContain('Reply in English');
    expect(rejectionText('low_evidence', '怎么报销?')).toMatch(/知识库/);
    expect(rejectionText('low_evidence', 'How do I claim?')).toMatch(/knowledge base/);
  });

  it('gives triage the recent messages, fenced', () => {
    const [, user] = triageMessages('and there?', [{ role: 'user', text: 'Munich hotel?', sender: 'ana' }]);
    expect(user!.content).toContain('ana: Munich hotel?');
    expect(user!.content).toMatch(/Last message:\n```\nand there\?\n```/);
  });
});

describe('formatReply', () => {
  it('lists the cited sources under the answer', () => {
    const { citations } = checkCitations('Budget [1], flights [2].', passages);
    expect(formatReply('Budget [1], flights [2].', citations)).toBe(
      'Budget [1], flights [2].\n\n[1] Doc 1 › Section\n[2] Doc 2 › Section (p. 7)',
    );
  });
});
