/** Catching up a collection from its checkpoint (sync-protocol.md section 5). The documents and
 * the new checkpoint are stored in one transaction, so a crash never skips a batch. The next
 * page is requested as soon as the current one has arrived, so the network and the server work
 * while the device writes (never more than one page ahead). */

import type { Api, PullBatch } from './api';
import { applyPulledPage, applyTables } from './apply';
import type { DoorstepDb } from './db';
import type { Checkpoint } from './docs';

/** The server's maximum page size: fewer, larger transactions. */
export const PULL_LIMIT = 1000;

function later(a: Checkpoint, b: Checkpoint): Checkpoint {
  if (!a) return b;
  if (!b) return a;
  return b.version >= a.version ? b : a;
}

export async function storedCheckpoint(db: DoorstepDb, collection: string): Promise<Checkpoint> {
  return (await db.checkpoints.get(collection))?.checkpoint ?? null;
}

/** A page request under way, awaited later. Its failure is reported where it is awaited; if it
 * never is (an earlier write failed), it must not surface as an unhandled rejection. */
export function requestPage(api: Api, collection: string, checkpoint: Checkpoint): Promise<PullBatch> {
  const pending = api.pull(collection, checkpoint, PULL_LIMIT);
  pending.catch(() => undefined);
  return pending;
}

export interface PullOptions {
  /** Gets the running count of documents received. */
  onBatch?: (received: number) => void;
  /** The stored checkpoint, when the caller has read it already (undefined: read it here). */
  checkpoint?: Checkpoint;
  /** The first page, already requested by the caller with that checkpoint. */
  first?: Promise<PullBatch>;
  /** Called when the last page has arrived, before it is stored: the caller may start its next
   * request now, so that it overlaps this write. */
  onLastPage?: () => void;
}

/** Pull until caught up (fewer documents than asked for). Returns the number received. */
export async function pullCollection(
  db: DoorstepDb,
  api: Api,
  collection: string,
  opts: PullOptions = {},
): Promise<number> {
  let checkpoint = opts.checkpoint !== undefined ? opts.checkpoint : await storedCheckpoint(db, collection);
  let pending = opts.first ?? requestPage(api, collection, checkpoint);
  const table = db.docs(collection);
  let firstDownload = checkpoint === null;
  let received = 0;
  for (let n = 0; ; n++) {
    const batch = await pending;
    // Never move the stored checkpoint backwards.
    const next = later(checkpoint, batch.checkpoint);
    const more = batch.documents.length >= PULL_LIMIT;
    if (more) pending = requestPage(api, collection, next);
    else opts.onLastPage?.();
    await db.transaction('rw', [...applyTables(db, collection), db.checkpoints], async () => {
      // Only a table that was empty when the download began can skip the comparisons.
      if (n === 0 && firstDownload) firstDownload = (await table.count()) === 0;
      await applyPulledPage(db, collection, batch.documents, { firstDownload });
      await db.checkpoints.put({ collection, checkpoint: next });
    });
    received += batch.documents.length;
    opts.onBatch?.(received);
    checkpoint = next;
    if (!more) return received;
  }
}
