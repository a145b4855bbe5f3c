// HTML embedded in another format (an HTML block in a Markdown file) -> blocks, with the same
// walker and table reading as whole HTML pages.
import { JSDOM } from 'jsdom';
import { HtmlBlockWriter } from './html-blocks';
import type { Block } from './parsed-document';

export function htmlFragmentBlocks(html: string): Block[] {
  // A fragment is parsed in a window without scripts or resource loading, like our pages.
  const fragment = JSDOM.fragment(html);
  const writer = new HtmlBlockWriter({ dropChrome: false });
  writer.children(fragment);
  writer.flush();
  return writer.blocks;
}
