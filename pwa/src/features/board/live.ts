/** Live board: a stream of work order and appointment changes only says "something changed";
 * the board is computed on the server (SLA clocks, lanes), so each burst triggers one refetch.
 * Reuses the sync stream client (graphql-transport-ws, token refresh, reconnect with backoff). */

import { db, session } from '../../app/services';
import { storedCheckpoint } from '../../data/pull';
import { SyncStream, streamUrl } from '../../data/stream';

export const LIVE_COLLECTIONS = ['workOrders', 'appointments'] as const;
const BURST_MS = 400;

/** Calls `onChange` (at most once per burst) while running; returns the stop function. */
export function startBoardLive(onChange: () => void, onConnected?: (connected: boolean) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsupported = new Set<string>();
  const stream = new SyncStream({
    url: streamUrl(location),
    collections: () => LIVE_COLLECTIONS.filter((c) => !unsupported.has(c)),
    // Start where this browser's replica is, so the stream does not replay old history.
    checkpoint: (c) => storedCheckpoint(db, c).catch(() => null),
    token: () => session.accessToken().catch(() => null),
    refresh: (failed) => session.refresh(failed),
    onChange: () => {
      onConnected?.(true);
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        onChange();
      }, BURST_MS);
    },
    onUnsupported: (c) => unsupported.add(c),
  });
  stream.start();
  const poll = onConnected ? setInterval(() => onConnected(stream.connected), 5_000) : null;
  return () => {
    if (timer) clearTimeout(timer);
    if (poll) clearInterval(poll);
    stream.stop();
  };
}
