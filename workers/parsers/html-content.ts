// Which part of a page is the document: Readability's article for pages with boilerplate
// (menus, comments, related links), the whole <body> when Readability finds too little or
// when the page is mostly data tables, which Readability tends to throw away.
import { Readability } from '@mozilla/readability';
import { noteKeeper } from './html-notes';
import { isLayoutTable } from './html-tables';

export interface MainContent {
  root: Element;
  via: 'readability' | 'body';
  /** Readability's cleaned-up title (site name suffixes removed where it can tell). */
  title?: string;
  byline?: string;
}

/** An article shorter than this (non-space characters) is a miss, unless the page is tiny. */
const MIN_ARTICLE_CHARS = 140;
/** Pages with this share of their text in data tables are datasheets, not articles… */
const DATASHEET_TABLE_SHARE = 0.5;
/** …and so are pages with this share where Readability dropped the tables. */
const LOST_TABLE_SHARE = 0.25;

const chars = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, '').length;

function chromeChars(body: Element): number {
  const chrome = Array.from(body.querySelectorAll('nav, header, footer, aside, [role="navigation"]'));
  return chrome.filter((el) => !chrome.some((o) => o !== el && o.contains(el))).reduce((n, el) => n + chars(el), 0);
}

function dataTableChars(body: Element): number {
  const tables = Array.from(body.querySelectorAll('table')).filter((t) => !isLayoutTable(t as HTMLTableElement));
  return tables.filter((t) => !tables.some((o) => o !== t && o.contains(t))).reduce((n, t) => n + chars(t), 0);
}

export function mainContent(document: Document): MainContent {
  const body = document.body ?? document.documentElement;
  const bodyChars = Math.max(0, chars(body) - chromeChars(body));
  // Readability strips class attributes, and with them the language of code blocks.
  for (const el of Array.from(body.querySelectorAll('pre, pre > code'))) {
    const lang = /(?:^|\s)(?:language|lang)-([\w+#.-]+)/.exec(el.className)?.[1];
    if (lang) el.setAttribute('data-lang', lang);
  }
  let article: ReturnType<Readability<Node>['parse']> = null;
  try {
    // Readability rewrites the DOM it reads, so it gets a copy.
    const copy = document.cloneNode(true) as Document;
    const restoreNotes = noteKeeper(copy);
    article = new Readability<Node>(copy, { serializer: (n) => n, disableJSONLD: true }).parse();
    if (article?.content) restoreNotes(article.content as Element);
  } catch {
    article = null;
  }
  const root = article?.content as Element | null | undefined;
  const articleChars = chars(root);
  const tooLittle = articleChars < MIN_ARTICLE_CHARS && bodyChars > 2 * articleChars;
  const tableChars = dataTableChars(body);
  // Readability drops tables it takes for layout; a datasheet loses its substance that way.
  const datasheet =
    tableChars >= DATASHEET_TABLE_SHARE * bodyChars ||
    (tableChars >= LOST_TABLE_SHARE * bodyChars && (root ? dataTableChars(root) : 0) < 0.5 * tableChars);
  const extras = {
    ...(article?.title?.trim() ? { title: article.title.trim() } : {}),
    // Readability sometimes takes a whole link list for the byline.
    ...(article?.byline?.trim() && article.byline.length <= 100 ? { byline: article.byline.trim() } : {}),
  };
  if (!root || tooLittle || datasheet) return { root: body, via: 'body', ...extras };
  return { root, via: 'readability', ...extras };
}
