import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DocxParser } from '../../../workers/parsers/docx.parser';
import { ParseError, type Parser } from '../../../workers/parsers/parsed-document';
import { PptxParser } from '../../../workers/parsers/pptx.parser';
import { XlsxParser } from '../../../workers/parsers/xlsx.parser';
import { checkZip, DEFAULT_ZIP_LIMITS, inspectZip } from '../../../workers/parsers/zip-guard';
import { corpusBytes } from './fixtures-corpus';
import { buildZip, deflated, MB, officeSkeleton, stored, zeros } from './fixtures-office-zip';

async function failure(promise: Promise<unknown>): Promise<ParseError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParseError);
  return err as ParseError;
}

/** Runs `fn` while sampling resident memory; returns the peak growth in bytes and the time taken. */
async function measured(fn: () => Promise<unknown>): Promise<{ peakGrowth: number; ms: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 1);
  const t0 = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { peakGrowth: peak - start, ms: performance.now() - t0 };
}

describe('checkZip', () => {
  it('passes a real DOCX and counts what really inflates', async () => {
    const bytes = corpusBytes('docx/docling_word_sample.docx');
    await expect(checkZip(bytes)).resolves.toBeUndefined();
    const summary = await inspectZip(bytes);
    expect(summary.entries).toContain('word/document.xml');
    // The parts' inflated sizes, as unzip -l reports them: 210,432 bytes in 18 entries.
    expect(summary.entries).toHaveLength(18);
    expect(summary.totalBytes).toBe(210_432);
  });

  it('has the documented default limits', () => {
    expect(DEFAULT_ZIP_LIMITS).toMatchObject({
      maxEntries: 10_000,
      maxTotalBytes: 200 * MB,
      maxEntryBytes: 100 * MB,
      maxRatio: 100,
    });
  });

  it('rejects an entry whose compression ratio gives a bomb away, before inflating it', async () => {
    // 50 MB of zeros in ~50 KB, headers honest: 1000:1.
    const bomb = buildZip([zeros('word/document.xml', 50)]);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const { ms } = await measured(async () => {
      const err = await failure(checkZip(bomb));
      expect(err.code).toBe('zip_bomb');
      expect(err.message).toMatch(/word\/document\.xml.*50 MB.*limit 100:1/);
    });
    expect(ms).toBeLessThan(500);
  });

  it('with a small custom size limit, rejects an entry that would inflate past it', async () => {
    const err = await failure(checkZip(buildZip([zeros('xl/worksheets/sheet1.xml', 20)]), { maxEntryBytes: 5 * MB }));
    expect(err.code).toBe('zip_bomb');
    expect(err.message).toMatch(/sheet1\.xml/);
  });

  it('calls an honest, ordinarily compressed archive over the limits too large, not a bomb', async () => {
    const random = stored('ppt/media/video.bin', crypto.randomBytes(6 * MB));
    const err = await failure(checkZip(buildZip([random]), { maxEntryBytes: 5 * MB }));
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(/video\.bin.*6\.0 MB.*5\.0 MB/);

    const three = [1, 2, 3].map((i) => stored(`part${i}.bin`, crypto.randomBytes(2 * MB)));
    const total = await failure(checkZip(buildZip(three), { maxTotalBytes: 5 * MB }));
    expect(total.code).toBe('too_large');
  });

  it('counts real inflated bytes when the headers lie, and stops at once', async () => {
    // Declares 1,000 bytes; really inflates to 1 GB.
    const liar = buildZip([zeros('word/document.xml', 1024, 1000)]);
    const { ms, peakGrowth } = await measured(async () => {
      const err = await failure(checkZip(liar));
      expect(err.code).toBe('zip_bomb');
      expect(err.message).toMatch(/inflates past the 1000 bytes its header declares/);
    });
    expect(ms).toBeLessThan(1000);
    expect(peakGrowth).toBeLessThan(32 * MB);
  });

  it('streams a lying entry to its limit without holding the inflated bytes', async () => {
    // Declares 95 MB (under every default limit, 92:1) and really holds 1 GB: the guard has to
    // inflate 95 MB before it can know, and must do so in a bounded buffer.
    const liar = buildZip([zeros('ppt/slides/slide1.xml', 1024, 95 * MB)]);
    const { peakGrowth } = await measured(async () => {
      const err = await failure(checkZip(liar));
      expect(err.code).toBe('zip_bomb');
      expect(err.message).toMatch(/slide1\.xml" inflates past the 95 MB its header declares/);
    });
    expect(peakGrowth).toBeLessThan(48 * MB);
  });

  it('rejects an archive with too many entries', async () => {
    const many = buildZip(Array.from({ length: 60 }, (_, i) => deflated(`f${i}.xml`, '<a/>')));
    const err = await failure(checkZip(many, { maxEntries: 50 }));
    expect(err.code).toBe('zip_bomb');
    expect(err.message).toMatch(/60 entries, more than the limit of 50/);
    await expect(checkZip(many)).resolves.toBeUndefined();
  });

  it('calls truncated archives and non-zips corrupt', async () => {
    const truncated = await failure(checkZip(corpusBytes('malformed/DERIVED_truncated_word_sample.docx')));
    expect(truncated.code).toBe('corrupt');
    expect(truncated.message).toMatch(/not a readable ZIP archive.*truncated/);
    expect((await failure(checkZip(Buffer.from('just some text')))).code).toBe('corrupt');
  });

  it('is called by every Office parser before its library sees the bytes', async () => {
    const cases: [Parser, string][] = [
      [new DocxParser(), 'word/document.xml'],
      [new XlsxParser(), 'xl/workbook.xml'],
      [new PptxParser(), 'ppt/presentation.xml'],
    ];
    for (const [parser, mainPart] of cases) {
      const bomb = buildZip(officeSkeleton(mainPart, zeros(mainPart, 1024, 2000)));
      const { ms } = await measured(async () => {
        const err = await failure(parser.parse({ bytes: bomb, filename: `bomb.${parser.format}` }));
        expect(err.code).toBe('zip_bomb');
      });
      expect(ms).toBeLessThan(1000);
    }
  });
});
