/** Catching up a collection from its checkpoint (sync-protocol.md section 5). The documents and
 * the new checkpoint are stored in one transaction, so a crash never skips a batch. */

import type { Api } from './api';
import { applyPulled, applyTables } from './apply';
import type { DoorstepDb } from './db';
import type { Checkpoint } from './docs';

export const PULL_LIMIT = 500;

function later(a: Checkpoint, b: Checkpoint): Checkpoint {
  if (!a) return b;
  if (!b) return a;
  return b.version >= a.version ? b : a;
}

export async function storedCheckpoint(db: DoorstepDb, collection: string): Promise<Checkpoint> {
  return (await db.checkpoints.get(collection))?.checkpoint ?? null;
}

/** Pull until caught up (fewer documents than asked for). `onBatch` gets the running count. */
export async function pullCollection(
  db: DoorstepDb,
  api: Api,
  collection: string,
  onBatch?: (received: number) => void,
): Promise<number> {
  let checkpoint = await storedCheckpoint(db, collection);
  let received = 0;
  for (;;) {
    const batch = await api.pull(collection, checkpoint, PULL_LIMIT);
    // Never move the stored checkpoint backwards.
    const next = later(checkpoint, batch.checkpoint);
    await db.transaction('rw', [...applyTables(db, collection), db.checkpoints], async () => {
      for (const doc of batch.documents) await applyPulled(db, collection, doc);
      await db.checkpoints.put({ collection, checkpoint: next });
    });
    received += batch.documents.length;
    onBatch?.(received);
    checkpoint = next;
    if (batch.documents.length < PULL_LIMIT) return received;
  }
}
