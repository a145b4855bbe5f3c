import path from 'node:path';

// The extension Fennel's format detection expects for each content type it can parse; the
// detector looks at bytes first, but the extension decides between HTML, Markdown and plain text.
const EXTENSION_BY_TYPE: Record<string, string> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'text/markdown': 'md',
  'text/x-markdown': 'md',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

// Extensions already right for a type, so /notes.htm stays notes.htm rather than notes.htm.html.
const EQUIVALENT: Record<string, string[]> = {
  html: ['html', 'htm', 'xhtml'],
  md: ['md', 'markdown', 'mdx'],
  txt: ['txt', 'text'],
};

const MAX_NAME = 120;

/**
 * A human-readable filename for a fetched page: the last path segment, with the extension the
 * content type calls for. `https://example.com/` becomes `example.com.html`.
 */
export function filenameFromUrl(url: string, contentType: string | undefined): string {
  const parsed = new URL(url);
  const segment = parsed.pathname.split('/').filter(Boolean).pop();
  let name = segment ? safeDecode(segment) : parsed.hostname;
  name =
    [...name]
      .map((c) => (isUnsafeInFilename(c) ? '_' : c))
      .join('')
      .trim() || parsed.hostname;

  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const wanted = EXTENSION_BY_TYPE[mime];
  const current = path.extname(name).slice(1).toLowerCase();
  if (wanted && current !== wanted && !EQUIVALENT[wanted]?.includes(current)) name = `${name}.${wanted}`;

  if (name.length > MAX_NAME) {
    const ext = path.extname(name);
    name = name.slice(0, MAX_NAME - ext.length) + ext;
  }
  return name;
}

// Path separators, characters Windows forbids, and control characters.
function isUnsafeInFilename(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f || '/\\:*?"<>|'.includes(c);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
