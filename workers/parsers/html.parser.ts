// HTML pages: charset detection -> jsdom (no scripts, no network) -> main content (Readability,
// or the body for datasheets and short pages) -> headings, paragraphs, lists, tables, code.
import { JSDOM, VirtualConsole } from 'jsdom';
import { HtmlBlockWriter } from './html-blocks';
import { mainContent } from './html-content';
import { decodeHtml } from './html-decoding';
import { deriveTitle, ParseError, type ParsedDocument, type Parser, type ParserInput } from './parsed-document';

/** jsdom needs roughly 20–50× the page size in memory; bigger pages are not documents anyway. */
const MAX_HTML_BYTES = 20 * 1024 * 1024;

/**
 * Script and style bodies are raw text to the HTML parser, ending at the first closing tag, so
 * cutting them out before parsing changes nothing but saves jsdom building CSSOMs and nodes.
 */
const RAW_TEXT = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

function metaContent(document: Document, selector: string): string | undefined {
  const value = document.querySelector(selector)?.getAttribute('content')?.replace(/\s+/g, ' ').trim();
  return value || undefined;
}

export class HtmlParser implements Parser {
  readonly format = 'html' as const;

  async parse(input: ParserInput): Promise<ParsedDocument> {
    if (input.bytes.length === 0) throw new ParseError('empty', 'The file is empty (0 bytes).');
    if (input.bytes.length > MAX_HTML_BYTES) {
      throw new ParseError('too_large', `The HTML page is larger than ${MAX_HTML_BYTES / 1024 / 1024} MB.`);
    }
    const { html, encoding, declared } = decodeHtml(input.bytes);
    // Defaults matter: no runScripts and no resources, so the page cannot execute or fetch.
    const dom = new JSDOM(html.replace(RAW_TEXT, ''), { virtualConsole: new VirtualConsole() });
    try {
      const { document } = dom.window;
      const content = mainContent(document);
      const writer = new HtmlBlockWriter({ dropChrome: content.via === 'body' });
      writer.children(content.root);
      writer.flush();
      const blocks = writer.blocks;
      // Readability turns the page's <h1> into an <h2> or drops it for its title field; the
      // document should still open with it, at level 1.
      const h1 = document.querySelector('h1')?.textContent?.replace(/\s+/g, ' ').trim();
      if (content.via === 'readability' && h1 && h1.length <= 200) {
        const demoted = blocks.find((b) => b.kind === 'heading' && b.text === h1);
        if (demoted?.kind === 'heading') demoted.level = 1;
        else blocks.unshift({ kind: 'heading', level: 1, text: h1 });
      }
      if (!blocks.length) throw new ParseError('empty', 'The HTML page has no readable text.');
      const pageTitle = document.title.replace(/\s+/g, ' ').trim();
      const title =
        metaContent(document, 'meta[property="og:title"]') ??
        content.title ??
        (pageTitle || deriveTitle(blocks, input.filename));
      const metadata: Record<string, unknown> = { encoding, extractedWith: content.via };
      if (declared) metadata.declaredCharset = declared;
      if (content.byline) metadata.byline = content.byline;
      const lang = document.documentElement.getAttribute('lang')?.trim();
      if (lang) metadata.lang = lang;
      const description = metaContent(document, 'meta[name="description"]');
      if (description) metadata.description = description;
      return { title: title.slice(0, 300), blocks, metadata };
    } finally {
      dom.window.close();
    }
  }
}
