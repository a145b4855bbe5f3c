// DOCX via mammoth's HTML (semantic, header/footer-free) walked into blocks.
import mammoth from 'mammoth';
import { padRowsStartingLate } from './docx-grid-before';
import { htmlToBlocks } from './docx-html-blocks';
import { asCorrupt, openOoxml } from './ooxml-package';
import {
  deriveTitle,
  ParseError,
  type Block,
  type ParsedDocument,
  type Parser,
  type ParserInput,
} from './parsed-document';

// Added to mammoth's defaults (which already map Heading 1-6 and list numbering).
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Subtitle'] => p:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  "p[style-name='Code'] => pre:separator('\\n')",
  "p[style-name='HTML Preformatted'] => pre:separator('\\n')",
];

export class DocxParser implements Parser {
  readonly format = 'docx' as const;

  async parse(input: ParserInput): Promise<ParsedDocument> {
    const zip = await openOoxml(input.bytes, 'docx', { password: input.password });
    let html: string;
    let warnings: string[];
    try {
      const result = await mammoth.convertToHtml(
        { buffer: await padRowsStartingLate(input.bytes) },
        {
          styleMap: STYLE_MAP,
          includeEmbeddedStyleMap: false,
          // Linked (not embedded) images would otherwise be read from this machine's disk.
          externalFileAccess: false,
          // Only the alt text matters here; skip base64-encoding every picture into the HTML.
          convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
        },
      );
      html = result.value;
      warnings = result.messages.map((m) => m.message);
    } catch (err) {
      throw asCorrupt(err, 'docx');
    }
    const { body, notes } = htmlToBlocks(html);
    if (!body.length && !notes.length) throw new ParseError('empty', 'The DOCX document has no text.');
    const blocks: Block[] = [...body];
    if (notes.length) blocks.push({ kind: 'heading', level: 1, text: notesHeading(html) }, ...notes);
    return {
      // From the body only: a notes heading is not the document's title.
      title: deriveTitle(body, input.filename),
      blocks,
      metadata: { parser: 'mammoth', parts: zip.entries.length, warnings: warnings.slice(0, 20) },
    };
  }
}

function notesHeading(html: string): string {
  const foot = html.includes('id="footnote-');
  const end = html.includes('id="endnote-');
  return foot && end ? 'Notes' : end ? 'Endnotes' : 'Footnotes';
}
