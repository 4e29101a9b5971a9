/** "Solution used" links from a work order to a knowledge entry. The server records them with the
 * attachSolution mutation (not a sync collection), so the device keeps its own small queue: a
 * link is stored first, sent at once when online, and again whenever the network returns. The
 * mutation is idempotent on the server (attaching again returns the stored link), so a resend
 * after a lost answer is harmless. */

import { signal } from '@preact/signals';
import { type Api, ApiError } from '../../data/api';
import type { DoorstepDb } from '../../data/db';
import type { Json } from '../../data/docs';

const KEY = 'knowledge.solutions';
const ATTACH = 'mutation($w: ID!, $e: ID!) { attachSolution(workOrderId: $w, entryId: $e) { id entryId } }';

export type LinkState = 'queued' | 'sent' | 'failed';

export interface SolutionLink {
  workOrderId: string;
  /** The entry chosen on the phone. */
  entryId: string;
  /** The entry the server attached (a merged entry's target); set once sent. */
  attachedId: string;
  state: LinkState;
  /** Why the server refused it (state failed). */
  message: string;
  /** Whose link it is: another user's queue is never sent with this user's token. */
  userId: string;
  at: string;
}

/** Bumped on every change so screens showing links re-read them. */
export const linksChanged = signal(0);

export async function readLinks(db: DoorstepDb): Promise<SolutionLink[]> {
  return ((await db.getMeta<Json>(KEY)) ?? []) as unknown as SolutionLink[];
}

async function writeLinks(db: DoorstepDb, links: SolutionLink[]): Promise<void> {
  await db.setMeta(KEY, links as unknown as Json);
  linksChanged.value += 1;
}

async function update(db: DoorstepDb, change: (links: SolutionLink[]) => SolutionLink[]): Promise<void> {
  await db.transaction('rw', db.meta, async () => writeLinks(db, change(await readLinks(db))));
}

const same = (a: Pick<SolutionLink, 'workOrderId' | 'entryId'>, b: Pick<SolutionLink, 'workOrderId' | 'entryId'>): boolean =>
  a.workOrderId === b.workOrderId && a.entryId === b.entryId;

export interface Sender {
  db: DoorstepDb;
  api: Api;
  userId: () => string | null;
  online: () => boolean;
}

let running: Promise<void> | null = null;

/** Send every queued link of the signed-in user; stops at the first network-type failure. */
export function flushLinks(s: Sender): Promise<void> {
  if (running) return running;
  const run = sendQueued(s);
  running = run;
  // Cleared after settling, never from inside: a run that ends synchronously (offline) would
  // otherwise clear the slot before it is filled and leave a finished run in it for good.
  void run.finally(() => {
    if (running === run) running = null;
  });
  return run;
}

/** One pass over the queue: the signed-in user's links, in order. */
async function sendQueued(s: Sender): Promise<void> {
  const me = s.userId();
  if (!me || !s.online()) return;
  for (const link of await readLinks(s.db)) {
    if (link.state !== 'queued' || link.userId !== me) continue;
    try {
      const data = await s.api.request<{ attachSolution: { entryId: string } }>(ATTACH, { w: link.workOrderId, e: link.entryId });
      await update(s.db, (all) => all.map((l) => (same(l, link) ? { ...l, state: 'sent', attachedId: data.attachSolution.entryId, message: '' } : l)));
    } catch (err) {
      // The server understood and refused (no such order or entry): retrying cannot help.
      if (err instanceof ApiError && err.kind === 'request') {
        await update(s.db, (all) => all.map((l) => (same(l, link) ? { ...l, state: 'failed', message: err.message } : l)));
        continue;
      }
      return; // offline, server trouble, sign-in needed: keep it queued
    }
  }
}

/** Record that `entryId` solved the order, then try to send it. */
export async function attach(s: Sender, workOrderId: string, entryId: string): Promise<void> {
  const userId = s.userId() ?? '';
  const link: SolutionLink = { workOrderId, entryId, attachedId: '', state: 'queued', message: '', userId, at: new Date().toISOString() };
  await update(s.db, (all) => {
    const existing = all.find((l) => same(l, link));
    // Already sent: nothing to do. Refused before: try once more.
    if (existing?.state === 'sent') return all;
    return [...all.filter((l) => !same(l, link)), link];
  });
  // A pass already under way may have read the queue before this link was added.
  const busy = running !== null;
  await flushLinks(s);
  if (busy) await flushLinks(s);
}

/** Take a link back before it was sent (a wrong tap). Sent links stay: the server keeps them. */
export async function unqueue(db: DoorstepDb, workOrderId: string, entryId: string): Promise<void> {
  await update(db, (all) => all.filter((l) => !(l.workOrderId === workOrderId && l.entryId === entryId && l.state !== 'sent')));
}

let watching = false;

/** Flush when the network comes back (and once now). Idempotent. */
export function watchOnline(s: Sender): void {
  if (watching || typeof window === 'undefined') return;
  watching = true;
  window.addEventListener('online', () => void flushLinks(s));
  void flushLinks(s);
}
