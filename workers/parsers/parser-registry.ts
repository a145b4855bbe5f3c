// One parser per format. Formats without a parser yet fail clearly instead of guessing.
import { detectFormat } from './detect-format';
import { MarkdownParser } from './markdown.parser';
import { ParseError, type DocumentFormat, type ParsedDocument, type Parser, type ParserInput } from './parsed-document';
import { TextParser } from './text.parser';

/**
 * Loads a parser's module on first use: the Office, PDF and HTML stacks are large, and a parse
 * thread (or an API process that only sniffs types) should not pay for formats it never sees.
 */
class LazyParser implements Parser {
  private loaded?: Promise<Parser>;
  constructor(
    readonly format: DocumentFormat,
    private readonly load: () => Promise<Parser>,
  ) {}
  async parse(input: ParserInput): Promise<ParsedDocument> {
    this.loaded ??= this.load();
    return (await this.loaded).parse(input);
  }
}

export function defaultParsers(): Parser[] {
  return [
    new MarkdownParser(),
    new TextParser(),
    new LazyParser('docx', async () => new (await import('./docx.parser')).DocxParser()),
    new LazyParser('xlsx', async () => new (await import('./xlsx.parser')).XlsxParser()),
    new LazyParser('pptx', async () => new (await import('./pptx.parser')).PptxParser()),
    new LazyParser('pdf', async () => new (await import('./pdf.parser')).PdfParser()),
    new LazyParser('html', async () => new (await import('./html.parser')).HtmlParser()),
  ];
}

/**
 * Checks of the raw bytes that run after a parser succeeded, for damage the parsing library
 * repaired without saying so. PDF only: pdf.js rebuilds a broken cross-reference table silently.
 */
async function formatWarnings(format: DocumentFormat, bytes: Buffer): Promise<string[]> {
  if (format !== 'pdf') return [];
  return (await import('./pdf-structure')).pdfStructureWarnings(bytes);
}

/** What the ingest job needs: the registry in-process, or the sandbox around it. */
export interface DocumentParser {
  parse(input: ParserInput): Promise<ParsedDocument & { format: DocumentFormat }>;
}

export class ParserRegistry implements DocumentParser {
  private readonly parsers = new Map<DocumentFormat, Parser>();

  constructor(parsers: Parser[] = defaultParsers()) {
    for (const p of parsers) this.parsers.set(p.format, p);
  }

  async parse(input: ParserInput): Promise<ParsedDocument & { format: DocumentFormat }> {
    if (input.bytes.length === 0) throw new ParseError('empty', 'The file is empty (0 bytes).');
    const detected = detectFormat(input.bytes, input.filename);
    if (!detected.ok) throw new ParseError('unsupported_type', `Unsupported file: ${detected.reason}.`);
    const parser = this.parsers.get(detected.format);
    if (!parser) {
      throw new ParseError(
        'unsupported_type',
        `No parser is installed for ${detected.format.toUpperCase()} files yet.`,
      );
    }
    const doc = await parser.parse(input);
    const warnings = [...(doc.warnings ?? []), ...(await formatWarnings(detected.format, input.bytes))];
    return { ...doc, ...(warnings.length ? { warnings } : {}), format: detected.format };
  }
}

/** Formats with a parser; the API refuses others with 415 before storing anything. */
export const SUPPORTED_FORMATS: readonly DocumentFormat[] = defaultParsers().map((p) => p.format);
