/** Offline knowledge search: the query tokenizer and the BM25 ranking of docs/knowledge-search.md,
 * a copy of server/knowledge/tokens.py. Both sides must rank alike (a technician who searched
 * offline and then online must see the same order), so every rule here follows that page; the
 * unit tests hold the page's vectors. Entries are never tokenized here: the server sends their
 * terms precomputed in `searchTerms`. */

import type { Doc } from '../../data/docs';

export const K1 = 1.2;
export const B = 0.75;

// CJK Unified Ideographs and Extension A only: all BMP, so string indices are characters.
const RUNS = /[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff]+/g;
const ASCII_START = /^[a-z0-9]/;

export interface KnowledgeEntry extends Doc {
  problemType: string;
  systemType: string;
  faultType: string;
  symptomEn: string;
  symptomZh: string;
  causeEn: string;
  causeZh: string;
  solutionEn: string;
  solutionZh: string;
  searchTerms: string;
  mergedIntoId: string | null;
}

function runs(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(RUNS) ?? [];
}

function bigrams(run: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  return out;
}

/** Distinct query tokens in order: ASCII words as they are, Chinese runs as bigrams (a lone
 * character stays itself; single characters of longer runs would match half the base). */
export function queryTokens(text: string): string[] {
  const out: string[] = [];
  for (const run of runs(text)) {
    if (ASCII_START.test(run) || run.length === 1) out.push(run);
    else out.push(...bigrams(run));
  }
  return [...new Set(out)];
}

export interface Hit<T> {
  entry: T;
  score: number;
}

/** Entries a search looks at: live and not merged into another (that one carries the text). */
export function searchable<T extends Pick<KnowledgeEntry, 'deleted' | 'mergedIntoId'>>(entries: readonly T[]): T[] {
  return entries.filter((e) => !e.deleted && (e.mergedIntoId === null || e.mergedIntoId === undefined));
}

function counts(terms: string): { tf: Map<string, number>; length: number } {
  const tf = new Map<string, number>();
  let length = 0;
  for (const term of terms.split(' ')) {
    if (!term) continue; // "ignore empty strings": doubled or edge spaces
    tf.set(term, (tf.get(term) ?? 0) + 1);
    length += 1;
  }
  return { tf, length };
}

/** Okapi BM25 (k1 1.2, b 0.75, idf ln(1 + (N − df + 0.5)/(df + 0.5))); score > 0 only, best
 * first, ties by id ascending. Pass the searchable entries (see `searchable`). */
export function rank<T extends Pick<KnowledgeEntry, 'id' | 'searchTerms'>>(query: string, entries: readonly T[]): Hit<T>[] {
  const wanted = queryTokens(query);
  if (wanted.length === 0 || entries.length === 0) return [];
  const docs = entries.map((entry) => ({ entry, ...counts(String(entry.searchTerms ?? '')) }));
  const total = docs.length;
  const average = docs.reduce((sum, d) => sum + d.length, 0) / total || 1;
  const idf = new Map<string, number>();
  for (const token of wanted) {
    const df = docs.reduce((n, d) => n + (d.tf.has(token) ? 1 : 0), 0);
    idf.set(token, Math.log(1 + (total - df + 0.5) / (df + 0.5)));
  }
  const hits: Hit<T>[] = [];
  for (const d of docs) {
    let score = 0;
    // Summed in query-token order, as the server does, so float rounding matches too.
    for (const token of wanted) {
      const tf = d.tf.get(token) ?? 0;
      if (tf) score += ((idf.get(token) ?? 0) * tf * (K1 + 1)) / (tf + K1 * (1 - B + B * (d.length / average)));
    }
    if (score > 0) hits.push({ entry: d.entry, score });
  }
  // Plain code-unit comparison of the ids, like Python's string order for ASCII UUIDs.
  return hits.sort((a, b) => b.score - a.score || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0));
}

/** The entry a hit stands for when attached: a merged entry attaches the one it went into. */
export function attachTarget(entryId: string, byId: ReadonlyMap<string, Pick<KnowledgeEntry, 'mergedIntoId'>>): string {
  let id = entryId;
  const seen = new Set<string>();
  for (;;) {
    const next = byId.get(id)?.mergedIntoId;
    if (!next || seen.has(next)) return id;
    seen.add(id);
    id = next;
  }
}
