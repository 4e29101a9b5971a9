/** Local changes: every edit writes the document AND its outbox entry in one IndexedDB
 * transaction, so a crash can never leave a change that is shown but not queued (or queued but
 * not shown). The local row is always "latest server state + outstanding changes" (`overlay`). */

import { type DoorstepDb, type MasterRow, type OutboxEntry, docKey } from './db';
import { type Doc, type Json, changedFields, clone, uuid } from './docs';

export type Changes = Record<string, Json>;

type EditListener = (collection: string, id: string) => void;
const listeners = new Set<EditListener>();

/** Called after every committed local edit: the sync scheduler flushes soon after. */
export function onLocalEdit(listener: EditListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(collection: string, id: string): void {
  for (const l of listeners) l(collection, id);
}

export async function outstanding(db: DoorstepDb, collection: string, id: string): Promise<OutboxEntry[]> {
  return db.outbox.where('docKey').equals(docKey(collection, id)).sortBy('seq');
}

/** The server state plus each outstanding change's own fields, in queue order. Changes that need
 * attention stay visible: the technician sees what he did, marked, until he retries or discards. */
export function overlay(master: Doc | null, entries: readonly OutboxEntry[]): Doc | null {
  let out: Doc | null = master ? clone(master) : null;
  for (const e of entries) {
    if (out === null) {
      out = clone(e.newDocumentState);
      continue;
    }
    for (const f of changedFields(e.assumedMasterState, e.newDocumentState)) {
      out[f] = clone(e.newDocumentState[f]) ?? null;
    }
  }
  return out;
}

/** Rewrite the local row from its master and outstanding changes (call inside a rw transaction
 * over the collection's table, outbox and masters). */
export async function refreshLocal(db: DoorstepDb, collection: string, id: string): Promise<void> {
  const key = docKey(collection, id);
  const table = db.docs(collection);
  const row = await db.masters.get(key);
  const entries = await outstanding(db, collection, id);
  if (entries.length === 0) {
    await db.masters.delete(key);
    if (row?.gone) await table.delete(id);
    else if (row?.doc && !row.doc.deleted) await table.put(clone(row.doc));
    else if (row && row.doc === null) await table.delete(id); // a created record, discarded
    return;
  }
  const local = row?.gone ? null : overlay(row?.doc ?? null, entries);
  if (local === null || local.deleted) await table.delete(id);
  else await table.put(local);
}

function newEntry(collection: string, id: string, base: Doc | null, next: Doc): OutboxEntry {
  return {
    collection,
    docId: id,
    docKey: docKey(collection, id),
    mutationId: uuid(),
    assumedMasterState: base ? clone(base) : null,
    newDocumentState: clone(next),
    state: 'pending',
    reason: '',
    code: '',
    attempts: 0,
    createdAt: new Date().toISOString(),
  };
}

/** A status is a life cycle: the server accepts one move at a time (accepted → en route → on
 * site), so each move stays its own queued change and is never folded with another. */
function movesStatus(changes: Changes, last: OutboxEntry): boolean {
  // A create not yet sent may absorb anything: the server creates the record as it ends up.
  if (!last.assumedMasterState) return false;
  if ('status' in changes && changes['status'] !== last.newDocumentState['status']) return true;
  return last.newDocumentState['status'] !== last.assumedMasterState['status'];
}

/** Change fields of a local document and queue the change, atomically. Consecutive edits are
 * folded into one queued change only while that change has never been handed to the network:
 * once sent, its mutation id may be recorded by the server, and a resend must carry the same
 * content or the later edit would be lost behind the recorded answer. */
export async function edit(db: DoorstepDb, collection: string, id: string, changes: Changes): Promise<Doc> {
  const table = db.docs(collection);
  const result = await db.transaction('rw', [table, db.outbox, db.masters], async () => {
    const current = await table.get(id);
    if (!current) throw new Error(`${collection}/${id} is not on this device`);
    const key = docKey(collection, id);
    const entries = await outstanding(db, collection, id);
    let master: MasterRow | undefined = await db.masters.get(key);
    if (!master) {
      // No outstanding change: the local row is exactly the server's state.
      master = { key, doc: clone(current), gone: false };
      await db.masters.put(master);
    }
    const next: Doc = { ...current, ...clone(changes) };
    await table.put(next);

    const live = entries.filter((e) => e.state !== 'needs_attention');
    const last = live.at(-1);
    const foldable = last && last.state === 'pending' && last.attempts === 0 && !movesStatus(changes, last);
    if (last && foldable) {
      last.newDocumentState = { ...last.newDocumentState, ...clone(changes) };
      await db.outbox.put(last);
    } else {
      // Based on what the server will hold once the earlier change lands, so that this entry
      // carries only its own fields as changes (the earlier one may still be rejected).
      const base = last ? last.newDocumentState : master.doc;
      await db.outbox.add(newEntry(collection, id, base, { ...(base ?? current), ...clone(changes) }));
    }
    return next;
  });
  notify(collection, id);
  return result;
}

/** A record made on this device (a note, a time entry…): pushed with no assumed master. */
export async function create(db: DoorstepDb, collection: string, fields: Changes, id: string = uuid()): Promise<Doc> {
  const table = db.docs(collection);
  const doc: Doc = { ...clone(fields), id, version: 0, deleted: false };
  await db.transaction('rw', [table, db.outbox, db.masters], async () => {
    if (await table.get(id)) throw new Error(`${collection}/${id} exists already`);
    await table.put(doc);
    await db.masters.put({ key: docKey(collection, id), doc: null, gone: false });
    await db.outbox.add(newEntry(collection, id, null, doc));
  });
  notify(collection, id);
  return doc;
}

/** Send a change that needs attention again, as the document reads now on the device (the
 * technician may have corrected it), on top of the latest server state, under a new mutation id
 * (the old one has a recorded answer). It goes to the end of the queue. */
export async function retry(db: DoorstepDb, seq: number): Promise<void> {
  const entry = await db.outbox.get(seq);
  if (!entry || entry.state !== 'needs_attention') return;
  const table = db.docs(entry.collection);
  await db.transaction('rw', [table, db.outbox, db.masters], async () => {
    const key = entry.docKey;
    const master = (await db.masters.get(key))?.doc ?? null;
    const local = await table.get(entry.docId);
    const fields = changedFields(entry.assumedMasterState, entry.newDocumentState);
    const next: Doc = clone(master ?? entry.newDocumentState);
    for (const f of fields) next[f] = clone(local && f in local ? local[f] : entry.newDocumentState[f]) ?? null;
    await db.outbox.delete(seq);
    await db.outbox.add(newEntry(entry.collection, entry.docId, master, next));
    await refreshLocal(db, entry.collection, entry.docId);
  });
  notify(entry.collection, entry.docId);
}

/** Drop a change for good; the document goes back to the server's state (plus any other
 * outstanding changes). */
export async function discard(db: DoorstepDb, seq: number): Promise<void> {
  const entry = await db.outbox.get(seq);
  if (!entry) return;
  const table = db.docs(entry.collection);
  await db.transaction('rw', [table, db.outbox, db.masters], async () => {
    await db.outbox.delete(seq);
    await refreshLocal(db, entry.collection, entry.docId);
  });
}

export async function waitingCount(db: DoorstepDb): Promise<number> {
  return db.outbox.where('state').anyOf('pending', 'sending').count();
}

export async function attentionCount(db: DoorstepDb): Promise<number> {
  return db.outbox.where('state').equals('needs_attention').count();
}
