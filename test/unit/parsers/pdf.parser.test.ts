import { describe, expect, it } from 'vitest';
import { loadPdfJs, openPdf } from '../../../workers/parsers/pdf-loader';
describe('probe', () => {
  it('loads', async () => {
    const m = await loadPdfJs();
    expect(typeof m.getDocument).toBe('function');
    const fs = await import('node:fs');
    const { doc } = await openPdf(fs.readFileSync('/work/shared/corpus/pdf/docling_multi_page.pdf'), undefined);
    expect(doc.numPages).toBe(5);
    await doc.destroy();
  });
});
