/** The app's single instances, wired together: database, API client, session, sync, stream. */

import { Api } from '../data/api';
import { getDb } from '../data/db';
import { storedCheckpoint } from '../data/pull';
import { SyncStream, streamUrl } from '../data/stream';
import { SyncClient } from '../data/sync';
import { Session } from './session';

export const db = getDb();
export const api = new Api();
export const session = new Session(db, api);
api.auth = session;
export const sync = new SyncClient(db, api);

export const stream = new SyncStream({
  url: streamUrl(location),
  collections: () => db.collections.map((c) => c.name).filter((n) => !sync.unsupported.has(n)),
  checkpoint: (c) => storedCheckpoint(db, c),
  token: () => session.accessToken().catch(() => null),
  refresh: (failed) => session.refresh(failed),
  onChange: (c) => requestPull(c),
  onUnsupported: (c) => sync.unsupported.add(c),
});

// Stream messages arrive in bursts (one per collection on connect): gather them for one sync.
const pendingPulls = new Set<string>();
let pullTimer: ReturnType<typeof setTimeout> | null = null;

function requestPull(collection: string): void {
  pendingPulls.add(collection);
  if (pullTimer) return;
  pullTimer = setTimeout(() => {
    pullTimer = null;
    const collections = [...pendingPulls];
    pendingPulls.clear();
    void sync.sync({ collections }).catch((err: unknown) => console.error('sync failed', err));
  }, 300);
}
