import { describe, expect, it } from 'vitest';
import { BuiltinEmbedder } from '../../src/inference/builtin-embedder';

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('BuiltinEmbedder', () => {
  const e = new BuiltinEmbedder();

  it('returns deterministic unit vectors of its dimension', async () => {
    const [a, b] = await e.embed(['hello world', 'hello world']);
    expect(a).toHaveLength(512);
    expect(a).toEqual(b);
    expect(cos(a!, a!)).toBeCloseTo(1, 6);
    expect(e.id).toBe('builtin-hash-512');
  });

  it('ranks related text above unrelated text in English and Chinese', async () => {
    const [q, rel, unrel, qz, relz, unrelz] = await e.embed([
      'how do I reset my password',
      'To reset your password, open settings and choose reset password.',
      'The canteen serves lunch from noon.',
      '如何重置密码',
      '在设置页面点击重置密码即可。',
      '食堂中午十二点开始供应午餐。',
    ]);
    expect(cos(q!, rel!)).toBeGreaterThan(cos(q!, unrel!) + 0.1);
    expect(cos(qz!, relz!)).toBeGreaterThan(cos(qz!, unrelz!) + 0.1);
  });

  it('gives an empty text the zero vector rather than NaN', async () => {
    const [z] = await e.embed(['']);
    expect(z!.every((x) => x === 0)).toBe(true);
  });
});
