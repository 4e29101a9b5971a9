/** navigator.onLine as a signal. It only says a network is attached, not that the server is
 * reachable; the sync status tells the rest. */

import { signal } from '@preact/signals';

export const online = signal(typeof navigator === 'undefined' ? true : navigator.onLine);

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => (online.value = true));
  window.addEventListener('offline', () => (online.value = false));
}
