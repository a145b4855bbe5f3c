// The one shape every parser returns: ordered blocks with provenance, plus title and metadata.

export interface Provenance {
  /** 1-based PDF page. */
  page?: number;
  /** 1-based slide number in presentation order. */
  slide?: number;
  sheet?: string;
  /** A1-style range of the cells a block came from, e.g. "A1:D40". */
  cellRange?: string;
}

export interface ListItem {
  text: string;
  /** 0 for top-level items, 1 for their children, … */
  depth: number;
  ordered: boolean;
}

export type Block =
  | { kind: 'heading'; level: number; text: string; prov?: Provenance }
  | { kind: 'paragraph'; text: string; prov?: Provenance }
  | { kind: 'list'; items: ListItem[]; prov?: Provenance }
  | { kind: 'table'; header: string[]; rows: string[][]; caption?: string; prov?: Provenance }
  | { kind: 'code'; text: string; lang?: string; prov?: Provenance }
  | { kind: 'quote'; text: string; prov?: Provenance }
  | { kind: 'image'; caption: string; prov?: Provenance };

export interface ParsedDocument {
  title: string;
  blocks: Block[];
  metadata: Record<string, unknown>;
  /**
   * What was wrong with a file Fennel still read ("parsed with warnings"): one sentence each for
   * the admin, naming the defect and what Fennel did about it. Absent or empty for a sound file.
   */
  warnings?: string[];
}

export type DocumentFormat = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'html' | 'markdown' | 'txt';

export interface ParserInput {
  bytes: Buffer;
  filename: string;
  /** Optional password for encrypted documents. */
  password?: string;
}

export interface Parser {
  readonly format: DocumentFormat;
  parse(input: ParserInput): Promise<ParsedDocument>;
}

/**
 * A deterministic, user-facing parse failure: retrying cannot help, and `message` is shown
 * to the admin as the version's error. `code` is stable for programs.
 */
export class ParseError extends Error {
  override name = 'ParseError';
  constructor(
    readonly code:
      | 'unsupported_type'
      | 'empty'
      | 'encrypted'
      | 'no_text'
      | 'corrupt'
      | 'too_large'
      | 'zip_bomb'
      | 'timeout'
      | 'out_of_memory',
    message: string,
  ) {
    super(message);
  }
}

/** Title from the first heading, else the filename without its extension. */
export function deriveTitle(blocks: Block[], filename: string): string {
  const h = blocks.find((b) => b.kind === 'heading');
  if (h && h.kind === 'heading' && h.text.trim()) return h.text.trim().slice(0, 300);
  return filename.replace(/\.[^./\\]+$/, '') || filename;
}
