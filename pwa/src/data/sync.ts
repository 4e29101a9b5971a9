/** The sync client: one `sync()` = push the outbox, then pull what changed, under a lock shared
 * by every tab. What triggers it lives in scheduler.ts; the live stream in stream.ts. */

import { signal } from '@preact/signals';
import { type Api, ApiError, type PullBatch } from './api';
import type { DoorstepDb } from './db';
import { type LockManagerLike, withLock } from './locks';
import { pullCollection, requestPage } from './pull';
import { type FlushResult, flushOutbox } from './push';

export const SYNC_LOCK = 'doorstep-sync';
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 5 * 60_000;

export interface FirstSyncProgress {
  /** Documents received so far, per collection. */
  counts: Record<string, number>;
  done: number;
  total: number;
}

export interface SyncStatus {
  running: boolean;
  lastSyncAt: string | null;
  /** The code of the last failure (NETWORK, HTTP_503, REFRESH_EXPIRED…), null after a success. */
  lastError: string | null;
  /** Only a new sign-in lets the queued changes go out. */
  needsLogin: boolean;
  /** Set while the device downloads its first copy of some collection. */
  firstSync: FirstSyncProgress | null;
}

export interface SyncOptions {
  /** Pull only these collections (a stream message names one); all when absent. */
  collections?: readonly string[];
  /** Skip the pull (after a local edit only the push matters). */
  pushOnly?: boolean;
  /** Honour the retry back-off (timer ticks do; "online" and user actions do not). */
  respectBackoff?: boolean;
}

export class SyncClient {
  readonly status = signal<SyncStatus>({
    running: false,
    lastSyncAt: null,
    lastError: null,
    needsLogin: false,
    firstSync: null,
  });
  /** Collections this server does not offer (yet): skipped until the app restarts. */
  readonly unsupported = new Set<string>();
  private failures = 0;
  private retryAt = 0;

  constructor(
    readonly db: DoorstepDb,
    readonly api: Api,
    private readonly opts: { locks?: LockManagerLike | null; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private patch(p: Partial<SyncStatus>): void {
    this.status.value = { ...this.status.value, ...p };
  }

  private lock<T>(fn: () => Promise<T>): Promise<T> {
    return this.opts.locks === undefined ? withLock(SYNC_LOCK, fn) : withLock(SYNC_LOCK, fn, this.opts.locks);
  }

  async loadStatus(): Promise<void> {
    const last = await this.db.getMeta<string>('lastSyncAt');
    this.patch({ lastSyncAt: last ?? null });
  }

  /** Push the outbox only. */
  flush(): Promise<FlushResult> {
    return this.lock(() => this.guard(() => flushOutbox(this.db, this.api)));
  }

  /** Pull every collection (or the named ones) until caught up. */
  pullAll(collections?: readonly string[]): Promise<void> {
    return this.lock(() => this.guard(() => this.pullLocked(collections)));
  }

  /** Push, then pull; resolves false when it stopped on a failure (the data stays queued). */
  async sync(options: SyncOptions = {}): Promise<boolean> {
    if (options.respectBackoff && this.now() < this.retryAt) return false;
    if (this.status.value.needsLogin) return false;
    return this.lock(async () => {
      const flushed = await this.guard(() => flushOutbox(this.db, this.api));
      if (flushed.stopped) return this.failed(flushed.stopped);
      if (!options.pushOnly) {
        try {
          await this.guard(() => this.pullLocked(options.collections));
        } catch (err) {
          if (err instanceof ApiError) return this.failed(err);
          throw err;
        }
      }
      await this.succeeded();
      return true;
    });
  }

  /** Called after a new sign-in: the queued changes may go out again. */
  signedIn(): void {
    this.failures = 0;
    this.retryAt = 0;
    this.patch({ needsLogin: false, lastError: null });
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    this.patch({ running: true });
    try {
      return await fn();
    } finally {
      this.patch({ running: false });
    }
  }

  private async succeeded(): Promise<void> {
    this.failures = 0;
    this.retryAt = 0;
    const at = new Date(this.now()).toISOString();
    await this.db.setMeta('lastSyncAt', at);
    this.patch({ lastSyncAt: at, lastError: null });
  }

  private failed(err: ApiError): false {
    this.failures += 1;
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (this.failures - 1), BACKOFF_MAX_MS);
    // Jitter so that a depot full of phones does not retry in step after an outage.
    this.retryAt = this.now() + delay * (0.75 + Math.random() * 0.5);
    this.patch({ lastError: err.code, needsLogin: err.kind === 'relogin' });
    return false;
  }

  private async pullLocked(only?: readonly string[]): Promise<void> {
    const wanted = this.db.collections.filter(
      (c) => !this.unsupported.has(c.name) && (!only || only.includes(c.name)),
    );
    // Read up front (only pulls write them, under this lock), so that the next collection's
    // first request can start while the current one's last page is still being written.
    const rows = await this.db.checkpoints.bulkGet(wanted.map((c) => c.name));
    const checkpoints = new Map(wanted.map((c, i) => [c.name, rows[i]?.checkpoint ?? null] as const));
    const fresh = wanted.filter((_, i) => !rows[i]).map((c) => c.name);
    const progress: FirstSyncProgress | null = fresh.length
      ? { counts: Object.fromEntries(fresh.map((n) => [n, 0])), done: 0, total: fresh.length }
      : null;
    const report = (): void => {
      if (progress) this.patch({ firstSync: { ...progress, counts: { ...progress.counts } } });
    };
    report();
    // At most one request ahead: the next collection's first page.
    const ahead = new Map<string, Promise<PullBatch>>();
    try {
      for (const [i, c] of wanted.entries()) {
        const first = progress !== null && fresh.includes(c.name);
        const following = wanted[i + 1];
        const prefetched = ahead.get(c.name);
        ahead.clear();
        try {
          await pullCollection(this.db, this.api, c.name, {
            checkpoint: checkpoints.get(c.name) ?? null,
            first: prefetched,
            onBatch: (n) => {
              if (!first || !progress) return;
              progress.counts[c.name] = n;
              report();
            },
            onLastPage: following
              ? () => {
                  const cp = checkpoints.get(following.name) ?? null;
                  ahead.set(following.name, requestPage(this.api, following.name, cp));
                }
              : undefined,
          });
        } catch (err) {
          if (err instanceof ApiError && err.code === 'GRAPHQL_VALIDATION_FAILED') {
            // This server has no pull field for the collection: a client ahead of its server.
            this.unsupported.add(c.name);
          } else {
            throw err;
          }
        }
        if (first && progress) {
          progress.done += 1;
          report();
        }
      }
    } finally {
      this.patch({ firstSync: null });
    }
  }
}
