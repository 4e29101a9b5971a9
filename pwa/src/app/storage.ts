/** Keeping the device's data: ask the browser not to evict it (iOS Safari clears a site after
 * seven days unused unless installed), and warn before the phone runs out of space. */

import { signal } from '@preact/signals';

export interface StorageInfo {
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
  low: boolean;
}

export const storageInfo = signal<StorageInfo>({ persisted: null, usage: null, quota: null, low: false });

/** Less than this left, or 90 % used, is "low" (photos waiting to upload take room). */
const LOW_BYTES = 50 * 1024 * 1024;

export async function checkStorage(): Promise<StorageInfo> {
  const s = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  const persisted = s?.persisted ? await s.persisted().catch(() => null) : null;
  const est = s?.estimate ? await s.estimate().catch(() => null) : null;
  const usage = est?.usage ?? null;
  const quota = est?.quota ?? null;
  const low = usage !== null && quota !== null && quota > 0 && (quota - usage < LOW_BYTES || usage / quota > 0.9);
  storageInfo.value = { persisted, usage, quota, low };
  return storageInfo.value;
}

/** Called after sign-in: a user gesture has just happened, which some browsers require. */
export async function persistStorage(): Promise<void> {
  const s = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (s?.persist) await s.persist().catch(() => false);
  await checkStorage();
}
