// Standard ranking metrics with binary relevance.

export interface Metrics {
  ndcg10: number;
  recall10: number;
  recall100: number;
  mrr10: number;
}

export function scoreRanking(ranked: string[], relevant: Set<string>): Metrics {
  let dcg = 0;
  for (let i = 0; i < Math.min(10, ranked.length); i++) if (relevant.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  let idcg = 0;
  for (let i = 0; i < Math.min(10, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
  const first = ranked.slice(0, 10).findIndex((id) => relevant.has(id));
  const hits = (k: number) => ranked.slice(0, k).filter((id) => relevant.has(id)).length;
  return {
    ndcg10: idcg ? dcg / idcg : 0,
    recall10: relevant.size ? hits(10) / relevant.size : 0,
    recall100: relevant.size ? hits(100) / relevant.size : 0,
    mrr10: first >= 0 ? 1 / (first + 1) : 0,
  };
}

export function mean(all: Metrics[]): Metrics {
  const n = Math.max(all.length, 1);
  const sum = (k: keyof Metrics) => all.reduce((s, m) => s + m[k], 0) / n;
  return { ndcg10: sum('ndcg10'), recall10: sum('recall10'), recall100: sum('recall100'), mrr10: sum('mrr10') };
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
}
