// Token estimate that treats CJK sensibly: each CJK character is about one token for
// common tokenizers, an English word about 1.3, punctuation one each.
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/g;
const WORD = /[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]+/g;
const PUNCT =
  /[^\sA-Za-z0-9\u00c0-\u024f\u0400-\u04ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/g;

export function countTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const words = text.match(WORD) ?? [];
  let wordTokens = 0;
  for (const w of words) wordTokens += w.length <= 4 ? 1 : Math.ceil(w.length / 4);
  const punct = text.match(PUNCT)?.length ?? 0;
  return cjk + wordTokens + Math.ceil(punct / 2);
}

/** Splits prose into sentences, keeping the terminator (。！？.!? and newlines). */
export function splitSentences(text: string): string[] {
  const parts = text.match(/[^。！？!?.\n]+(?:[。！？!?]+|\.(?=\s|$)|\n+|$)|[。！？!?.\n]+/g) ?? [text];
  return parts.map((s) => s.trim()).filter(Boolean);
}
