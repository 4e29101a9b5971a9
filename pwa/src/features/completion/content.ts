/** What the customer signs: the document of server/signatures/content.py ("Signed content" in
 * docs/sync-protocol.md), built from the device's replica. The server rebuilds it from its rows
 * and compares hashes, so each rule below mirrors one line there. */

import type { Doc, Json } from '../../data/docs';
import type { WorkOrder } from '../../data/types';
import { sha256Hex } from './canonical';

export const CONTENT_VERSION = 1;

/** The parts of the replica the document reads. */
export interface ContentSource {
  order: Pick<WorkOrder, 'number' | 'resolution' | 'partsUsed' | 'arrivedAt' | 'workDoneAt'>;
  /** The order's checklist runs (the server reads the first one; there is one per order). */
  runs: readonly Doc[];
  /** The order's photo records. */
  photos: readonly Doc[];
}

// Python's str.strip() removes what str.isspace() calls white space, which is not JavaScript's
// trim(): Python also strips U+001C–U+001F and U+0085, and keeps U+FEFF.
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

export function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** UTC to the whole second, fraction dropped (not rounded): the device keeps milliseconds, the
 * server microseconds. */
export function wholeSecond(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso.replace(/(:\d{2})\.\d+/, '$1'));
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The checklist answers as {item key: answered value}. Answers travel as {value, at, by}; a bare
 * value is what the server will wrap, and an empty answer is one the server removes. */
export function checklistValues(run: Doc | undefined): Record<string, Json> {
  const answers = run?.answers;
  const out: Record<string, Json> = {};
  if (!answers || typeof answers !== 'object' || Array.isArray(answers)) return out;
  for (const [key, entry] of Object.entries(answers)) {
    const value = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry.value ?? null) : entry;
    if (value !== null) out[key] = value;
  }
  return out;
}

/** The run the server counts: the oldest. Versions stand in for creation order; one made on this
 * device (version 0, not yet stored) counts last. */
export function firstRun(runs: readonly Doc[]): Doc | undefined {
  const live = runs.filter((r) => !r.deleted);
  const order = (r: Doc): number => (r.version > 0 ? r.version : Number.MAX_SAFE_INTEGER);
  return [...live].sort((a, b) => order(a) - order(b) || (a.id < b.id ? -1 : 1))[0];
}

export function buildContent({ order, runs, photos }: ContentSource): { [key: string]: Json } {
  const parts = Array.isArray(order.partsUsed) ? order.partsUsed : [];
  const hashes = new Set<string>();
  for (const p of photos) {
    if (!p.deleted && typeof p.sha256 === 'string' && p.sha256) hashes.add(p.sha256.toLowerCase());
  }
  return {
    v: CONTENT_VERSION,
    workOrder: order.number,
    resolution: pyStrip(String(order.resolution ?? '')),
    parts: parts.map((p) => ({ name: String(p.name ?? ''), part_no: String(p.part_no ?? ''), quantity: p.quantity })),
    checklist: checklistValues(firstRun(runs)),
    // Python's sorted() on str: code point order; equal to code-unit order for hex digits.
    photos: [...hashes].sort(),
    arrivedAt: wholeSecond(order.arrivedAt),
    workDoneAt: wholeSecond(order.workDoneAt),
  };
}

export function contentHash(source: ContentSource): Promise<string> {
  return sha256Hex(buildContent(source));
}
