// The per-KB content policy: blocked terms (case-insensitive substrings) and patterns (regular
// expressions). Checked on every answer, whoever or whatever wrote it.
export interface ContentPolicy {
  blockedTerms?: string[];
  blockedPatterns?: string[];
}

export interface PolicyVerdict {
  allowed: boolean;
  /** What matched, for the trace. */
  matched?: string;
}

export function checkPolicy(text: string, policy: ContentPolicy = {}): PolicyVerdict {
  const lower = text.toLowerCase();
  for (const term of policy.blockedTerms ?? []) {
    if (term && lower.includes(term.toLowerCase())) return { allowed: false, matched: `term "${term}"` };
  }
  for (const pattern of policy.blockedPatterns ?? []) {
    if (new RegExp(pattern, 'iu').test(text)) return { allowed: false, matched: `pattern /${pattern}/` };
  }
  return { allowed: true };
}
