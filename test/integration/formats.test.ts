// Real documents of every format through the whole path — upload, parse thread, chunks, search —
// and the malformed corpus failing one by one with readable reasons while the worker keeps going.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFennel, type Harness } from '../support/fennel-harness';
import { CORPUS } from '../unit/parsers/fixtures-corpus';

let f: Harness;

beforeAll(async () => {
  f = await startFennel('formats', { env: { FENNEL_INGEST_CONCURRENCY: '2' } });
  await f.api('POST', '/api/v1/kbs', { slug: 'corpus', name: 'Corpus' });
});
afterAll(() => f?.stop());

const file = (rel: string) => ({ name: rel.split('/').pop()!, content: readFileSync(join(CORPUS, rel)) });

async function ingest(rels: string[]) {
  const up = await f.upload('corpus', rels.map(file));
  expect(up.status).toBe(202);
  const docs = [];
  for (const item of up.body.items) docs.push(await f.waitFor('corpus', item.documentId, ['ready', 'failed'], 90_000));
  return docs as {
    id: string;
    title: string;
    latest: { status: string; error: string | null; warnings: string[]; filename: string };
  }[];
}

describe('formats end to end', () => {
  it('ingests PDF and HTML, Chinese included, with page provenance', async () => {
    const docs = await ingest([
      'pdf/mineru_chemical_introduction_zh.pdf',
      'html/readability_qq_zh.html',
      'pdf/mineru_small_ocr_scanned.pdf',
    ]);
    expect(docs.map((d) => [d.latest.filename, d.latest.status])).toEqual([
      ['mineru_chemical_introduction_zh.pdf', 'ready'],
      ['readability_qq_zh.html', 'ready'],
      ['mineru_small_ocr_scanned.pdf', 'failed'],
    ]);
    expect(docs[2]!.latest.error).toMatch(/no extractable text/);
    const pdfMd = await f.api('GET', `/api/v1/kbs/corpus/documents/${docs[0]!.id}/markdown`);
    expect(pdfMd.text).toMatch(/[\u4e00-\u9fff]{8}/);
    const chunks = await f.api('POST', '/api/v1/kbs/corpus/search', { query: pdfMd.text.slice(0, 200), topK: 5 });
    const fromPdf = chunks.body.hits.filter((h: { documentId: string }) => h.documentId === docs[0]!.id);
    expect(fromPdf.length).toBeGreaterThan(0);
    expect(fromPdf.every((h: { page: number | null }) => typeof h.page === 'number' && h.page >= 1)).toBe(true);
  });

  it('opens a password-protected PDF with the password given on upload', async () => {
    const form = new FormData();
    const { name, content } = file('malformed/docling_password_2206.01062_pg3.pdf');
    form.append('file', new Blob([new Uint8Array(content)]), name);
    form.append('password', '1234');
    // Its own KB: the malformed test below uploads the same bytes without the password.
    await f.api('POST', '/api/v1/kbs', { slug: 'locked', name: 'Locked' });
    const up = await f.api('POST', '/api/v1/kbs/locked/documents', form);
    expect(up.status).toBe(202);
    const doc = await f.waitFor('locked', up.body.items[0].documentId, ['ready', 'failed'], 90_000);
    expect([doc.latest.status, doc.latest.error]).toEqual(['ready', null]);
  });

  it('ingests Office documents and finds their content with provenance', async () => {
    const docs = await ingest([
      'docx/docling_word_tables.docx',
      'xlsx/docling_xlsx_01.xlsx',
      'pptx/docling_powerpoint_sample.pptx',
    ]);
    expect(docs.map((d) => [d.latest.filename, d.latest.status, d.latest.error])).toEqual([
      ['docling_word_tables.docx', 'ready', null],
      ['docling_xlsx_01.xlsx', 'ready', null],
      ['docling_powerpoint_sample.pptx', 'ready', null],
    ]);
    expect(docs.map((d) => d.latest.warnings)).toEqual([[], [], []]);
    const md = await f.api('GET', `/api/v1/kbs/corpus/documents/${docs[1]!.id}/markdown`);
    expect(md.text).toMatch(/^\| .* \|$/m); // sheets come out as Markdown tables
    const search = await f.api('POST', '/api/v1/kbs/corpus/search', { query: 'powerpoint slide', topK: 20 });
    const slideHit = search.body.hits.find((h: { documentId: string }) => h.documentId === docs[2]!.id);
    expect(slideHit?.metadata.slide).toBeGreaterThanOrEqual(1);
  });

  it('fails each malformed file with a readable reason, or reads it and says what was wrong', async () => {
    const malformed = readdirSync(join(CORPUS, 'malformed'))
      .filter((n) => /\.(pdf|docx|xlsx|pptx|txt|md|zip)$/.test(n))
      .map((n) => `malformed/${n}`);
    const form = new FormData();
    for (const rel of [...malformed, 'md/unstructured_simple-table.md']) {
      const { name, content } = file(rel);
      form.append('file', new Blob([new Uint8Array(content)]), name);
    }
    const up = await f.api('POST', '/api/v1/kbs/corpus/documents', form);
    // .zip archives that are not Office documents are refused at the door, nothing stored.
    expect(up.status).toBe(415);
    expect(up.body.message).toMatch(
      /mammoth_(empty|hello)\.zip" is a ZIP archive that is not a DOCX, XLSX or PPTX document/,
    );

    const accepted = malformed.filter((r) => !r.endsWith('.zip'));
    const docs = await ingest([...accepted, 'md/unstructured_simple-table.md']);
    // A failure is its error; a success is its status, then its warnings ("ready: …") if any.
    const outcome = Object.fromEntries(
      docs.map((d) => [d.latest.filename, d.latest.error ?? [d.latest.status, ...d.latest.warnings].join(': ')]),
    );
    expect(outcome).toMatchObject({
      'DERIVED_truncated_word_sample.docx': expect.stringMatching(/damaged|corrupt|truncated|not a valid/i),
      'unstructured_password_protected.xlsx': expect.stringMatching(/password|encrypted/i),
      'unstructured_empty.txt': expect.stringMatching(/empty/i),
      'unstructured_fake-text-all-whitespace.txt': expect.stringMatching(/empty/i),
      'unstructured_umlauts-non-utf8.md': expect.stringMatching(
        /^ready: The Markdown file is not UTF-8; Fennel decoded it as ISO-8859-1/,
      ),
      'pdfjs_helloworld-bad.pdf': expect.stringMatching(
        /^ready: The PDF's cross-reference table is damaged: startxref points at byte 492/,
      ),
      'docling_powerpoint_malformed_pictures.pptx': expect.stringMatching(
        /^ready: 3 pictures have no usable image — slide 1: .*blipFill.*; slide 2: .*rIdMissing999.*; slide 3: .*text\/plain/,
      ),
      // Its one body text sits in the broken date placeholder, which is left out as slide furniture;
      // its title is indexed on its own, and the warning names the defect.
      'unstructured_fake-power-point-malformed.pptx': expect.stringMatching(
        /^ready: 1 placeholder has no position on the slide, its layout or its master.*date placeholder "Problem Date Placeholder"/,
      ),
      // Named for an old pdfminer failure, but sound: every cross-reference offset checks out, so
      // there is nothing to warn about (see test/unit/parsers/warnings-pdf.test.ts).
      'unstructured_invalid-pdf-structure-pdfminer-one-page.pdf': 'ready',
      'docling_password_README.md': 'ready',
      'unstructured_password.pdf': expect.stringMatching(/password protected/),
      'docling_password_2206.01062_pg3.pdf': expect.stringMatching(/password protected/),
      'pypdf_libreoffice-writer-password.pdf': expect.stringMatching(/password protected/),
      'pypdf_r4-aes-user-password.pdf': expect.stringMatching(/password protected/),
      'pdfjs_empty_protected.pdf': expect.stringMatching(/empty|no extractable text/i),
      'unstructured_simple-table.md': 'ready',
    });
    // Every version object carries its warnings, not only the document's latest.
    const bad = docs.find((d) => d.latest.filename === 'pdfjs_helloworld-bad.pdf')!;
    const versions = await f.api('GET', `/api/v1/kbs/corpus/documents/${bad.id}/versions`);
    expect(versions.body.items[0].warnings).toEqual(bad.latest.warnings);
    const md = await f.api('GET', `/api/v1/kbs/corpus/documents/${bad.id}/markdown`);
    expect(md.text).toContain('Hello, world!');
    const search = await f.api('POST', '/api/v1/kbs/corpus/search', { query: 'Juicy Apples price', topK: 3 });
    expect(search.body.hits[0].text).toContain('| Juicy Apples | 1.99 | 739 |');
  });
});
