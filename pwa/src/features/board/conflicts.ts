/** The sync conflict log (sync-protocol.md section 8): a value a device sent that lost to
 * another, or won over one. The log is ordered oldest first, so the panel pages to the end once
 * and then asks only for what came after the last entry it has. */

import type { Api } from '../../data/api';
import type { Json } from '../../data/docs';

export interface Conflict {
  id: string;
  at: string;
  collection: string;
  docId: string;
  field: string;
  base: Json;
  lost: Json;
  won: Json;
  /** master: the server's value stood; client: the device's value was taken. */
  winner: string;
  principalId: string;
}

export const CONFLICTS_QUERY = `query($first: Int, $after: String) { syncConflicts(first: $first, after: $after) {
  nodes { id at collection docId field base lost won winner principalId }
  pageInfo { hasNextPage endCursor }
} }`;

const PAGE = 200;
/** Enough for a day's review; older entries stay in the server's log. */
export const KEEP = 100;
/** A guard against a log far larger than expected: stop paging after this many pages. */
const MAX_PAGES = 50;

export interface ConflictLog {
  /** Newest first. */
  items: Conflict[];
  /** Where to ask from next time. */
  cursor: string | null;
}

interface Page {
  syncConflicts: { nodes: Conflict[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** New entries after `log.cursor`, merged in front of what is already there. */
export async function loadConflicts(api: Api, log: ConflictLog = { items: [], cursor: null }): Promise<ConflictLog> {
  let cursor = log.cursor;
  let fresh: Conflict[] = [];
  for (let i = 0; i < MAX_PAGES; i++) {
    const data = await api.request<Page>(CONFLICTS_QUERY, { first: PAGE, after: cursor });
    const page = data.syncConflicts;
    fresh = fresh.concat(page.nodes).slice(-KEEP);
    cursor = page.pageInfo.endCursor ?? cursor;
    if (!page.pageInfo.hasNextPage) break;
  }
  return { items: mergeNewest(log.items, fresh), cursor };
}

/** Newest first, no repeats, at most KEEP. */
export function mergeNewest(older: readonly Conflict[], fresh: readonly Conflict[]): Conflict[] {
  const seen = new Set<string>();
  const out: Conflict[] = [];
  for (const c of [...fresh].reverse().concat(older)) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    out.push(c);
    if (out.length >= KEEP) break;
  }
  return out;
}

/** The device's value and the other one: the master's value it lost to, or the one it replaced. */
export function sides(c: Conflict): { device: Json; other: Json; deviceWon: boolean } {
  const deviceWon = c.winner === 'client';
  return deviceWon ? { device: c.won, other: c.lost, deviceWon } : { device: c.lost, other: c.won, deviceWon };
}

/** A JSON value as one short line. */
export function showValue(v: Json | undefined, max = 80): string {
  if (v === null || v === undefined || v === '') return '—';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const NUMBERS = 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on WorkOrder { id number } } }';

/** Order numbers for conflicts on work orders the board does not show (another day). */
export async function orderNumbers(api: Api, items: readonly Conflict[], known: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const ids = [...new Set(items.filter((c) => c.collection === 'workOrders' && !known.has(c.docId)).map((c) => c.docId))].slice(0, 100);
  const out = new Map<string, string>();
  if (!ids.length) return out;
  const data = await api.request<{ nodes: ({ id?: string; number?: string } | null)[] }>(NUMBERS, { ids });
  for (const n of data.nodes) if (n?.id && n.number) out.set(n.id, n.number);
  return out;
}
