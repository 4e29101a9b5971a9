/** One sync at a time across every tab of the app: the Web Locks API where the browser has it
 * (all current ones), and an in-page queue otherwise (then two tabs could overlap, which the
 * server's exactly-once mutation ids make harmless, only wasteful). */

export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const local = new Map<string, Promise<unknown>>();

function inPage<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const before = local.get(name) ?? Promise.resolve();
  const run = before.then(fn, fn);
  // The queue continues whether this holder succeeds or fails.
  local.set(
    name,
    run.catch(() => undefined),
  );
  return run;
}

export function browserLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : null;
}

export function withLock<T>(name: string, fn: () => Promise<T>, locks: LockManagerLike | null = browserLocks()): Promise<T> {
  if (locks) return locks.request(name, fn);
  return inPage(name, fn);
}
