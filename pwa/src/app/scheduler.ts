/** When the app syncs: at start, when the network comes back, when the app becomes visible,
 * shortly after each local edit, every 30 s while open, and when the service worker relays a
 * Background Sync event (Chromium only; the other triggers cover Safari and Firefox). */

import { onLocalEdit } from '../data/outbox';
import { db, session, stream, sync } from './services';
import { checkStorage } from './storage';

const EDIT_DEBOUNCE_MS = 1_500;
const TICK_MS = 30_000;
export const BACKGROUND_SYNC_TAG = 'doorstep-flush';

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

function signedIn(): boolean {
  return session.current.value !== null && !session.needsLogin.value && !sync.status.value.needsLogin;
}

function run(opts: Parameters<typeof sync.sync>[0] = {}): void {
  if (!signedIn() || !navigator.onLine) return;
  sync
    .sync(opts)
    .then((ok) => {
      // "Online" but the server is unreachable: let the browser wake us when it is.
      if (!ok && sync.status.value.lastError === 'NETWORK') void registerBackgroundSync();
    })
    .catch((err: unknown) => console.error('sync failed', err));
}

/** Ask the browser to wake us when the network returns, even if the tab is in the background. */
async function registerBackgroundSync(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const reg = await navigator.serviceWorker.getRegistration();
  const manager = (reg as (ServiceWorkerRegistration & { sync?: SyncManagerLike }) | undefined)?.sync;
  await manager?.register(BACKGROUND_SYNC_TAG).catch(() => undefined);
}

/** Start or stop the live stream to match the network and the session. */
export function updateStream(): void {
  if (signedIn() && navigator.onLine) stream.start();
  else stream.stop();
}

export function startScheduler(): () => void {
  let editTimer: ReturnType<typeof setTimeout> | null = null;
  const offEdit = onLocalEdit(() => {
    if (!navigator.onLine) {
      void registerBackgroundSync();
      return;
    }
    if (editTimer) clearTimeout(editTimer);
    editTimer = setTimeout(() => run({ pushOnly: true }), EDIT_DEBOUNCE_MS);
  });
  const online = (): void => {
    updateStream();
    run();
  };
  const offline = (): void => updateStream();
  const visible = (): void => {
    if (document.visibilityState === 'visible') {
      run();
      void checkStorage();
    }
  };
  const message = (ev: MessageEvent): void => {
    if ((ev.data as { type?: string } | null)?.type === 'flush') run();
  };
  const tick = setInterval(() => {
    if (document.visibilityState === 'visible') run({ respectBackoff: true });
  }, TICK_MS);

  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  document.addEventListener('visibilitychange', visible);
  navigator.serviceWorker?.addEventListener('message', message);
  void sync.loadStatus();
  void db.open();
  updateStream();
  run();

  return () => {
    offEdit();
    clearInterval(tick);
    if (editTimer) clearTimeout(editTimer);
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
    document.removeEventListener('visibilitychange', visible);
    navigator.serviceWorker?.removeEventListener('message', message);
    stream.stop();
  };
}

/** Run a sync now, e.g. from the sync badge or right after signing in. */
export function syncNow(): void {
  run();
}
