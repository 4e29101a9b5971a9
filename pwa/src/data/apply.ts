/** Writing server states into the local replica: pulled documents and push answers both come
 * through here, so "latest master + outstanding changes" holds whichever arrives first. */

import { type DoorstepDb, type OutboxEntry, docKey } from './db';
import { type Doc, changedFields, clone } from './docs';
import { outstanding, refreshLocal } from './outbox';

export const REASSIGNED = 'REASSIGNED';
export const DELETED = 'DELETED';

/** Every table `applyMaster` touches; open a rw transaction over these. */
export function applyTables(db: DoorstepDb, collection: string) {
  return [db.docs(collection), db.outbox, db.masters] as const;
}

function withoutTransport(doc: Doc): Doc {
  const copy = clone(doc);
  delete copy.revoked;
  delete copy.rejected;
  return copy;
}

/** The record left this device: drop the row, and move its unsent changes to "needs attention"
 * so they are never lost in silence (the server would now refuse them anyway). */
async function drop(db: DoorstepDb, collection: string, doc: Doc, entries: OutboxEntry[]): Promise<void> {
  const key = docKey(collection, doc.id);
  await db.docs(collection).delete(doc.id);
  if (entries.length === 0) {
    await db.masters.delete(key);
    return;
  }
  const code = doc.revoked ? REASSIGNED : DELETED;
  const reason = doc.revoked ? 'reassigned' : 'deleted';
  for (const e of entries) {
    if (e.state === 'needs_attention') continue;
    await db.outbox.put({ ...e, state: 'needs_attention', code, reason });
  }
  const row = await db.masters.get(key);
  await db.masters.put({ key, doc: row?.doc ?? null, gone: true });
}

/** Store a pulled (or streamed) document. Older than what we hold → ignored: a stream batch and
 * a pull may arrive out of order. With unsent changes the row shows them on top of the new
 * state, and the changes keep their original base (the server's merge needs the real base). */
export async function applyPulled(db: DoorstepDb, collection: string, doc: Doc): Promise<void> {
  const key = docKey(collection, doc.id);
  const row = await db.masters.get(key);
  const held = row ? row.doc?.version : (await db.docs(collection).get(doc.id))?.version;
  if (typeof held === 'number' && doc.version < held) return;
  const entries = await outstanding(db, collection, doc.id);
  if (doc.deleted || doc.revoked) {
    await drop(db, collection, doc, entries);
    return;
  }
  const master = withoutTransport(doc);
  if (entries.length === 0) {
    await db.masters.delete(key);
    await db.docs(collection).put(master);
    return;
  }
  await db.masters.put({ key, doc: master, gone: false });
  await refreshLocal(db, collection, doc.id);
}

/** What a page's transaction knows about the collection before it stores the page. */
export interface PageContext {
  /** This pull is the collection's first download and began on an empty table: while nothing of
   * the collection is queued, the table holds only what earlier pages stored, all older, so the
   * page is stored without reading anything first. */
  firstDownload: boolean;
}

/** Whether any document of the collection has a queued change or a master (its change is
 * outstanding): only then does a pulled document need the one-by-one merge. */
export async function hasOutstanding(db: DoorstepDb, collection: string): Promise<boolean> {
  const prefix = docKey(collection, '');
  const [queued, masters] = await Promise.all([
    db.outbox.where('collection').equals(collection).count(),
    db.masters.where(':id').startsWith(prefix).count(),
  ]);
  return queued > 0 || masters > 0;
}

/** Store one pulled page (call inside a rw transaction over `applyTables` and the checkpoints).
 * The documents of the page that have nothing outstanding locally, which is nearly all of them,
 * are written with one bulkPut and one bulkDelete; only those with a master or a queued change
 * take `applyPulled`, one by one, so that local edits are never lost. */
export async function applyPulledPage(db: DoorstepDb, collection: string, docs: readonly Doc[], ctx: PageContext): Promise<void> {
  const table = db.docs(collection);
  // A page holds each document once; should one come twice, its latest version wins.
  const byId = new Map<string, Doc>();
  for (const doc of docs) {
    const seen = byId.get(doc.id);
    if (!seen || doc.version >= seen.version) byId.set(doc.id, doc);
  }
  const page = [...byId.values()];
  // Checked on every page: the technician may edit a document between two pages.
  const outstandingNow = await hasOutstanding(db, collection);
  const fresh = ctx.firstDownload && !outstandingNow;
  let careful: Doc[] = [];
  let plain = page;
  if (outstandingNow) {
    const keys = page.map((d) => docKey(collection, d.id));
    const [withMaster, withEntries] = await Promise.all([
      db.masters.where(':id').anyOf(keys).primaryKeys(),
      db.outbox.where('docKey').anyOf(keys).keys(),
    ]);
    const local = new Set<string>([...withMaster, ...withEntries].map(String));
    careful = page.filter((d) => local.has(docKey(collection, d.id)));
    plain = page.filter((d) => !local.has(docKey(collection, d.id)));
  }
  // Older than what we hold → ignored (a stream batch and a pull may arrive out of order).
  const held = fresh ? [] : await table.bulkGet(plain.map((d) => d.id));
  const puts: Doc[] = [];
  const gone: string[] = [];
  plain.forEach((doc, i) => {
    const version = held[i]?.version;
    if (typeof version === 'number' && doc.version < version) return;
    if (doc.deleted || doc.revoked) gone.push(doc.id);
    else puts.push('revoked' in doc || 'rejected' in doc ? withoutTransport(doc) : doc);
  });
  await Promise.all([puts.length ? table.bulkPut(puts) : null, gone.length ? table.bulkDelete(gone) : null]);
  for (const doc of careful) await applyPulled(db, collection, doc);
}

/** After the server answered `entry` with `master`: the changes queued behind it were based on
 * what `entry` predicted; put them on the real state, keeping only their own fields. Entries
 * that were already sent keep their content (a resend must be identical). */
export async function rebaseLater(db: DoorstepDb, entry: OutboxEntry, master: Doc | null): Promise<void> {
  const entries = await outstanding(db, entry.collection, entry.docId);
  let base = master;
  for (const later of entries) {
    if ((later.seq ?? 0) <= (entry.seq ?? 0) || later.state !== 'pending' || later.attempts > 0) continue;
    const fields = changedFields(later.assumedMasterState, later.newDocumentState);
    const next: Doc = clone(base ?? later.newDocumentState);
    for (const f of fields) next[f] = clone(later.newDocumentState[f]) ?? null;
    await db.outbox.put({ ...later, assumedMasterState: base ? clone(base) : null, newDocumentState: next });
    base = next;
  }
}

/** Record what the server now holds for a document whose change was just answered. */
export async function setMaster(db: DoorstepDb, collection: string, doc: Doc): Promise<void> {
  const master = withoutTransport(doc);
  const entries = await outstanding(db, collection, doc.id);
  if (master.deleted) {
    await drop(db, collection, master, entries);
    return;
  }
  await db.masters.put({ key: docKey(collection, doc.id), doc: master, gone: false });
  await refreshLocal(db, collection, doc.id);
}
