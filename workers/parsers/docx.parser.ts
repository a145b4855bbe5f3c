// DOCX via mammoth's HTML (semantic, header/footer-free) walked into blocks.
import mammoth from 'mammoth';
import { repairForMammoth } from './docx-repair';
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

/**
 * mammoth's messages that say the document itself is damaged become admin warnings: `n` of
 * `one`/`many`, then what Fennel did. The rest (unrecognised styles and elements, undefined
 * style IDs: 4 of the corpus's 12 sound DOCX files have some) describe this conversion, not the
 * file, and stay in metadata.warnings.
 */
const DAMAGE: { pattern: RegExp; one: string; many: string; then: string }[] = [
  {
    pattern: /^Could not find image file for a:blip element/,
    one: 'picture has',
    many: 'pictures have',
    then: 'no image reference (an a:blip without r:embed or r:link); Fennel skipped the pictures and read the text.',
  },
  {
    pattern: /^A v:imagedata element without a relationship ID was ignored/,
    one: 'legacy (VML) picture has',
    many: 'legacy (VML) pictures have',
    then: 'no image reference (a v:imagedata without r:id); Fennel skipped the pictures and read the text.',
  },
  {
    pattern: /without corresponding start character/,
    one: 'field code (a page number, cross-reference or table-of-contents entry) has',
    many: 'field codes (page numbers, cross-references or table-of-contents entries) have',
    then: 'a separator or end marker without its start; Fennel ignored the stray markers, so text near them may be doubled or missing.',
  },
  {
    pattern: /cell merging may be incorrect/,
    one: 'table has',
    many: 'tables have',
    then: 'content outside its rows or cells; Fennel kept the text, but merged cells may be split wrongly.',
  },
];

function damageWarnings(messages: string[]): string[] {
  return DAMAGE.flatMap(({ pattern, one, many, then }) => {
    const n = messages.filter((m) => pattern.test(m)).length;
    return n ? [`${n} ${n === 1 ? one : many} ${then}`] : [];
  });
}

export class DocxParser implements Parser {
  readonly format = 'docx' as const;

  async parse(input: ParserInput): Promise<ParsedDocument> {
    const zip = await openOoxml(input.bytes, 'docx', { password: input.password });
    let html: string;
    let warnings: string[];
    const repaired = await repairForMammoth(input.bytes).catch((err) => {
      throw asCorrupt(err, 'docx');
    });
    try {
      const result = await mammoth.convertToHtml(
        { buffer: repaired.bytes },
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
    const damage = [...repaired.warnings, ...damageWarnings(warnings)];
    if (notes.length) blocks.push({ kind: 'heading', level: 1, text: notesHeading(html) }, ...notes);
    return {
      // From the body only: a notes heading is not the document's title.
      title: deriveTitle(body, input.filename),
      blocks,
      metadata: { parser: 'mammoth', parts: zip.entries.length, warnings: warnings.slice(0, 20) },
      ...(damage.length ? { warnings: damage } : {}),
    };
  }
}

function notesHeading(html: string): string {
  const foot = html.includes('id="footnote-');
  const end = html.includes('id="endnote-');
  return foot && end ? 'Notes' : end ? 'Endnotes' : 'Footnotes';
}
