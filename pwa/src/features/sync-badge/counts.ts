/** The numbers the badge shows, read live from IndexedDB. */

import type { DoorstepDb } from '../../data/db';
import { waitingPhotos } from '../../data/uploads';

export interface SyncCounts {
  waiting: number;
  attention: number;
  photos: number;
}

export async function syncCounts(db: DoorstepDb): Promise<SyncCounts> {
  const [waiting, attention] = await Promise.all([
    db.outbox.where('state').anyOf('pending', 'sending').count(),
    db.outbox.where('state').equals('needs_attention').count(),
  ]);
  // Photo bytes not on the server yet (their records travel through the outbox).
  const photos = await waitingPhotos(db);
  return { waiting, attention, photos };
}
