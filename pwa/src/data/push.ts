/** Sending the outbox (sync-protocol.md section 6). Entries go in queue order, in batches of one
 * collection; a document appears at most once per batch so each answer matches one entry. */

import { type Api, ApiError, type PushRow } from './api';
import { DELETED, applyTables, rebaseLater, setMaster } from './apply';
import type { DoorstepDb, OutboxEntry } from './db';
import { type Doc, type Json, changedFields, sameValue } from './docs';
import { overlay, refreshLocal } from './outbox';

export const BATCH_SIZE = 100;

export interface FlushResult {
  sent: number;
  /** Set when the flush stopped early; the entries stay queued. */
  stopped?: ApiError;
}

interface Rejection {
  code?: string;
  message?: string;
  mutationId?: string;
}

function rejectionOf(answer: Doc): Rejection | null {
  const r = answer.rejected;
  return r && typeof r === 'object' && !Array.isArray(r) ? (r as Rejection) : null;
}

/** The next batch: pending entries in queue order, one collection, one entry per document. */
function nextBatch(pending: OutboxEntry[]): OutboxEntry[] {
  const first = pending[0];
  if (!first) return [];
  const batch: OutboxEntry[] = [];
  const docs = new Set<string>();
  for (const e of pending) {
    if (e.collection !== first.collection || docs.has(e.docId) || batch.length >= BATCH_SIZE) break;
    batch.push(e);
    docs.add(e.docId);
  }
  return batch;
}

/** Pair each answer with its entry: by the rejected row's mutation id when it names one of
 * ours, else by document id (unambiguous: a batch holds one row per document). Some servers
 * report their internal key (`<user>:<mutation id>`) instead of the id we sent; that still
 * ends in ours, or falls back to the document id. */
export function matchAnswers(batch: readonly OutboxEntry[], answers: readonly Doc[]): Map<OutboxEntry, Doc> {
  const out = new Map<OutboxEntry, Doc>();
  for (const a of answers) {
    const mid = rejectionOf(a)?.mutationId;
    const entry =
      (mid ? batch.find((e) => mid === e.mutationId || mid.endsWith(`:${e.mutationId}`)) : undefined) ??
      batch.find((e) => e.docId === a.id && !out.has(e));
    if (entry) out.set(entry, a);
  }
  return out;
}

async function setState(db: DoorstepDb, batch: OutboxEntry[], patch: Partial<OutboxEntry>): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    for (const e of batch) {
      Object.assign(e, patch);
      await db.outbox.put(e);
    }
  });
}

/** Whether `got` holds what was sent. Keys the server adds inside an object value (a checklist
 * answer comes back as {value, at, by} for the {value} sent) do not make an edit lost. */
export function holds(sent: Json | undefined, got: Json | undefined): boolean {
  const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(sent) && isObject(got)) return Object.keys(sent).every((k) => holds(sent[k], got[k]));
  if (Array.isArray(sent) && Array.isArray(got)) return sent.length === got.length && sent.every((v, i) => holds(v, got[i]));
  return sameValue(sent, got);
}

/** Fields this change set that the server's answer does not hold: the edit did not stick. */
export function lostFields(entry: OutboxEntry, answer: Doc): string[] {
  return changedFields(entry.assumedMasterState, entry.newDocumentState).filter(
    (f) => f !== 'deleted' && !holds(entry.newDocumentState[f], answer[f]),
  );
}

async function applyAnswer(db: DoorstepDb, entry: OutboxEntry, answer: Doc | undefined): Promise<void> {
  const seq = entry.seq as number;
  const { collection, docId } = entry;
  if (!answer) {
    // Applied as sent: the server now holds its latest state we know plus this change (the new
    // version comes with the next pull). Not `newDocumentState`: its base may be older than a
    // desk change pulled meanwhile, which would then vanish from the screen.
    const row = await db.masters.get(entry.docKey);
    const predicted = row?.doc ? overlay(row.doc, [entry]) : entry.newDocumentState;
    await db.outbox.delete(seq);
    await db.masters.put({ key: entry.docKey, doc: predicted, gone: false });
    await refreshLocal(db, collection, docId);
    return;
  }
  const rejected = rejectionOf(answer);
  if (rejected) {
    // {id, deleted: true, version: 0, rejected} means "no such record for you", not a deletion.
    const placeholder = answer.version === 0 && answer.deleted === true;
    await db.outbox.put({
      ...entry,
      state: 'needs_attention',
      code: rejected.code ?? 'REJECTED',
      reason: rejected.message ?? rejected.code ?? 'rejected',
    });
    if (!placeholder) {
      await rebaseLater(db, entry, answer);
      await setMaster(db, collection, answer);
    } else {
      await refreshLocal(db, collection, docId);
    }
    return;
  }
  const lost = lostFields(entry, answer);
  if (answer.deleted) {
    await db.outbox.put({ ...entry, state: 'needs_attention', code: DELETED, reason: 'deleted' });
  } else if (lost.length > 0) {
    // The master won (a desk-owned field, an immutable one…): keep the attempt visible.
    await db.outbox.put({ ...entry, state: 'needs_attention', code: 'CONFLICT', reason: lost.join(', ') });
  } else {
    await db.outbox.delete(seq);
  }
  await rebaseLater(db, entry, answer.deleted ? null : answer);
  await setMaster(db, collection, answer);
}

/** Push every pending entry; the caller holds the sync lock. Stops at the first failure that a
 * later attempt may fix (network, server, sign-in), leaving the entries queued. */
export async function flushOutbox(db: DoorstepDb, api: Api): Promise<FlushResult> {
  // Entries left "sending" by a tab that died mid-push: nobody else holds the lock, so they
  // are ours to resend (with the same mutation ids).
  await db.outbox.where('state').equals('sending').modify({ state: 'pending' });
  let sent = 0;
  for (;;) {
    const batch = nextBatch(await db.outbox.where('state').equals('pending').toArray());
    if (batch.length === 0) return { sent };
    const collection = batch[0]?.collection as string;
    await db.transaction('rw', db.outbox, async () => {
      for (const e of batch) {
        e.state = 'sending';
        e.attempts += 1;
        await db.outbox.put(e);
      }
    });
    const rows: PushRow[] = batch.map((e) => ({
      newDocumentState: e.newDocumentState,
      assumedMasterState: e.assumedMasterState,
      mutationId: e.mutationId,
    }));
    let answers: Doc[];
    try {
      answers = await api.push(collection, rows);
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError('request', 'CLIENT', String(err));
      if (error.kind === 'request') {
        // The server refused the request as a whole and will again: show it, keep the data.
        await setState(db, batch, { state: 'needs_attention', code: error.code, reason: error.message });
        continue;
      }
      await setState(db, batch, { state: 'pending' });
      return { sent, stopped: error };
    }
    const matched = matchAnswers(batch, answers);
    await db.transaction('rw', applyTables(db, collection), async () => {
      for (const e of batch) await applyAnswer(db, e, matched.get(e));
    });
    sent += batch.length;
  }
}
