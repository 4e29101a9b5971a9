/** Service worker registration. A new version waits until the technician taps "update" (in the
 * settings or the banner), so the app never reloads under his fingers during a visit. */

import { signal } from '@preact/signals';

export const updateReady = signal(false);
let waiting: ServiceWorker | null = null;

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = (): void => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .then((reg) => {
        const offer = (w: ServiceWorker | null): void => {
          if (w && navigator.serviceWorker.controller) {
            waiting = w;
            updateReady.value = true;
          }
        };
        offer(reg.waiting);
        reg.addEventListener('updatefound', () => {
          const next = reg.installing;
          next?.addEventListener('statechange', () => {
            if (next.state === 'installed') offer(next);
          });
        });
        // Look for a new version now and then while the app stays open all day.
        setInterval(() => void reg.update().catch(() => undefined), 60 * 60_000);
      })
      .catch((err: unknown) => console.error('service worker registration failed', err));
  };
  // After the page's own loading, so precaching does not compete with the first render; the
  // app starts asynchronously and may come here after "load" has already fired.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

export function applyUpdate(): void {
  if (!waiting) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  waiting.postMessage({ type: 'SKIP_WAITING' });
}
