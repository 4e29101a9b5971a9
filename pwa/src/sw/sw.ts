/// <reference lib="webworker" />
/** The service worker: the app shell and its assets are precached, so the app opens with no
 * network; every in-app path falls back to index.html; a Background Sync event asks the open
 * app to flush its outbox (the outbox lives in the page's IndexedDB code, not here). */

import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

const BACKGROUND_SYNC_TAG = 'doorstep-flush';

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Server paths are never the app shell: the API, uploads, media, health probes.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/graphql/, /^\/files/, /^\/media/, /^\/tus/, /^\/healthz/, /^\/readyz/, /^\/api\//],
  }),
);

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Only the first install takes control at once; later versions wait for "update" in the app.
clientsClaim();

self.addEventListener('sync', (event: Event) => {
  const e = event as SyncEvent;
  if (e.tag !== BACKGROUND_SYNC_TAG) return;
  e.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((clients) => {
      for (const client of clients) client.postMessage({ type: 'flush' });
    }),
  );
});
