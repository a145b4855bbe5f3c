// Document tags through the HTTP API: set on upload, replace and PATCH, shown on documents,
// filtered on by search in every mode; malformed tags are a 400 that stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFennel, type Harness } from '../support/fennel-harness';

let f: Harness;
const KB = '/api/v1/kbs/tagged';

beforeAll(async () => {
  f = await startFennel('tags');
  expect((await f.api('POST', '/api/v1/kbs', { slug: 'tagged', name: 'Tagged' })).status).toBe(201);
});
afterAll(() => f?.stop());

/** A multipart request with files and any text fields (a field given as an array repeats). */
function form(files: { name: string; content: string }[], fields: Record<string, string | string[]> = {}) {
  const body = new FormData();
  for (const file of files) body.append('file', new Blob([file.content]), file.name);
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
  return body;
}

const search = async (query: string, filters: object, mode?: string) => {
  const r = await f.api('POST', `${KB}/search`, { query, topK: 10, filters, ...(mode ? { mode } : {}) });
  expect(r.status).toBe(200);
  return (r.body.hits as { documentId: string }[]).map((h) => h.documentId);
};

describe('tags', () => {
  let hr: string;
  let it_: string;
  let plain: string;

  beforeAll(async () => {
    const a = await f.api(
      'POST',
      `${KB}/documents`,
      form([{ name: 'leave.md', content: '# Leave\n\nVacation leave requests go through the portal.\n' }], {
        tags: ' HR, Policy ,,hr',
      }),
    );
    expect(a.status).toBe(202);
    expect(a.body.items[0].tags).toEqual(['hr', 'policy']);
    hr = a.body.items[0].documentId;
    const b = await f.api(
      'POST',
      `${KB}/documents`,
      form([{ name: 'laptop.md', content: '# Laptops\n\nLaptop requests go through the IT portal.\n' }], {
        tags: ['it', 'Onboarding'],
      }),
    );
    expect(b.body.items[0].tags).toEqual(['it', 'onboarding']);
    it_ = b.body.items[0].documentId;
    const c = await f.upload('tagged', [{ name: 'misc.md', content: '# Misc\n\nOther requests go to the portal.\n' }]);
    expect(c.body.items[0].tags).toEqual([]);
    plain = c.body.items[0].documentId;
    for (const id of [hr, it_, plain]) await f.waitFor('tagged', id, ['ready']);
  });

  it('shows tags on documents and filters search on ANY of them, in every mode', async () => {
    expect((await f.api('GET', `${KB}/documents/${hr}`)).body.tags).toEqual(['hr', 'policy']);
    const list = (await f.api('GET', `${KB}/documents`)).body.items as { id: string; tags: string[] }[];
    expect(Object.fromEntries(list.map((d) => [d.id, d.tags]))).toEqual({
      [hr]: ['hr', 'policy'],
      [it_]: ['it', 'onboarding'],
      [plain]: [],
    });
    for (const mode of ['lexical', 'vector', 'hybrid']) {
      expect((await search('portal requests', {}, mode)).sort()).toEqual([hr, it_, plain].sort());
      expect(await search('portal requests', { tags: ['hr'] }, mode)).toEqual([hr]);
      // Compared as stored: lowercased.
      expect((await search('portal requests', { tags: ['POLICY', 'it'] }, mode)).sort()).toEqual([hr, it_].sort());
      expect(await search('portal requests', { tags: ['finance'] }, mode)).toEqual([]);
      // Filters combine with AND.
      expect(await search('portal requests', { tags: ['it'], documentIds: [hr] }, mode)).toEqual([]);
    }
  });

  it('PATCH sets tags without a new version, and search follows at once', async () => {
    const r = await f.api('PATCH', `${KB}/documents/${plain}`, { tags: ['Finance', 'finance', 'travel'] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: plain, tags: ['finance', 'travel'], latest: { seq: 1 } });
    expect(await search('portal requests', { tags: ['finance'] })).toEqual([plain]);
    expect((await f.api('GET', `${KB}/documents/${plain}/versions`)).body.items).toHaveLength(1);
    const cleared = await f.api('PATCH', `${KB}/documents/${plain}`, { tags: [] });
    expect(cleared.body.tags).toEqual([]);
    expect(await search('portal requests', { tags: ['finance'] })).toEqual([]);
    const missing = await f.api('PATCH', `${KB}/documents/00000000-0000-4000-8000-000000000000`, { tags: ['x'] });
    expect(missing.status).toBe(404);
  });

  it('replace keeps the tags unless the request sets them', async () => {
    const v2 = await f.api(
      'PUT',
      `${KB}/documents/${it_}`,
      form([{ name: 'laptop.md', content: '# Laptops\n\nLaptop requests go through the IT portal now.\n' }]),
    );
    expect(v2.status).toBe(202);
    expect(v2.body.tags).toEqual(['it', 'onboarding']);
    await f.waitFor('tagged', it_, ['ready']);
    const v3 = await f.api(
      'PUT',
      `${KB}/documents/${it_}`,
      form([{ name: 'laptop.md', content: '# Laptops\n\nLaptop requests go through the IT desk.\n' }], {
        tags: 'hardware',
      }),
    );
    expect(v3.body.tags).toEqual(['hardware']);
    await f.waitFor('tagged', it_, ['ready']);
    expect(await search('laptop requests', { tags: ['hardware'] })).toEqual([it_]);
    expect(await search('laptop requests', { tags: ['it'] })).toEqual([]);
  });

  it('an identical re-upload with tags retags the existing document', async () => {
    const again = await f.api(
      'POST',
      `${KB}/documents`,
      form([{ name: 'leave.md', content: '# Leave\n\nVacation leave requests go through the portal.\n' }], {
        tags: 'hr,leave',
      }),
    );
    expect(again.body.items[0]).toMatchObject({ documentId: hr, created: false, tags: ['hr', 'leave'] });
    expect((await f.api('GET', `${KB}/documents/${hr}`)).body.tags).toEqual(['hr', 'leave']);
  });

  it('rejects malformed tags with 400 and stores nothing', async () => {
    const before = (await f.api('GET', `${KB}/documents`)).body.items.length;
    const file = [{ name: 'bad.md', content: '# Bad\n\nNever stored.\n' }];
    const tooMany = Array.from({ length: 33 }, (_, i) => `t${i}`).join(',');
    for (const tags of [tooMany, 'x'.repeat(65), 'ok,bad\u0007tag']) {
      const r = await f.api('POST', `${KB}/documents`, form(file, { tags }));
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('bad_request');
      expect(r.body.message).toMatch(/tags/);
    }
    // 32 distinct after lowercasing is fine: duplicates collapse before the count.
    const dupes = [...Array.from({ length: 32 }, (_, i) => `t${i}`), 'T0', 'T1'].join(',');
    const ok = await f.api(
      'POST',
      `${KB}/documents`,
      form([{ name: 'ok.md', content: '# Ok\n\nStored.\n' }], { tags: dupes }),
    );
    expect(ok.status).toBe(202);
    expect(ok.body.items[0].tags).toHaveLength(32);
    expect((await f.api('GET', `${KB}/documents`)).body.items.length).toBe(before + 1);

    for (const body of [{ tags: 'hr' }, { tags: [''] }, { tags: ['a,b'] }, { tags: ['x'.repeat(65)] }, {}]) {
      const r = await f.api('PATCH', `${KB}/documents/${hr}`, body);
      expect(r.status).toBe(400);
    }
    expect((await f.api('GET', `${KB}/documents/${hr}`)).body.tags).toEqual(['hr', 'leave']);
    const badFilter = await f.api('POST', `${KB}/search`, { query: 'portal', filters: { tags: ['x'.repeat(65)] } });
    expect(badFilter.status).toBe(400);
  });
});
