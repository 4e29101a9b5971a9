/** Components re-render when the IndexedDB data they read changes (Dexie liveQuery), whether the
 * change came from this tab, another tab, or the sync. */

import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

export function useLive<T>(query: () => Promise<T>, deps: readonly unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({
      next: (v) => setValue(() => v),
      error: (err: unknown) => console.error('live query failed', err),
    });
    return () => sub.unsubscribe();
    // The caller lists what the query depends on, as with useEffect.
  }, deps);
  return value;
}

/** `ready` tells "still loading" from "not on this device" (a query answering undefined). */
export function useLiveState<T>(query: () => Promise<T>, deps: readonly unknown[]): { ready: boolean; value: T | undefined } {
  return useLive<{ ready: boolean; value: T | undefined }>(
    async () => ({ ready: true, value: await query() }),
    deps,
    { ready: false, value: undefined },
  );
}
