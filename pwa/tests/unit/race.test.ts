import { afterEach, describe, expect, it } from 'vitest';
import type { DoorstepDb } from '../../src/data/db';
import type { LockManagerLike } from '../../src/data/locks';
import { edit } from '../../src/data/outbox';
import { SyncClient } from '../../src/data/sync';
import { FakeServer, apiFor, freshDb, workOrder } from './helpers';

const open: DoorstepDb[] = [];
afterEach(() => {
  for (const d of open.splice(0)) d.close();
});

/** A Web Locks stand-in shared by the "tabs": exclusive, first come first served. */
class FakeLocks implements LockManagerLike {
  private tail = new Map<string, Promise<unknown>>();
  async request<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tail.get(name) ?? Promise.resolve();
    const run = before.then(fn, fn);
    this.tail.set(name, run.catch(() => undefined));
    return run;
  }
}

async function twoTabs(locks: LockManagerLike | null) {
  const name = `race-${Math.random()}`;
  const a = freshDb(name);
  const b = freshDb(name);
  open.push(a, b);
  const server = new FakeServer();
  server.pushDelayMs = 20;
  await a.docs('workOrders').bulkPut([workOrder('wo1'), workOrder('wo2'), workOrder('wo3')]);
  await edit(a, 'workOrders', 'wo1', { progressNote: '1' });
  await edit(a, 'workOrders', 'wo2', { progressNote: '2' });
  await edit(b, 'workOrders', 'wo3', { progressNote: '3' });
  return { server, a: new SyncClient(a, apiFor(server), { locks }), b: new SyncClient(b, apiFor(server), { locks }), db: a };
}

describe('two flushers', () => {
  it('take turns under the shared lock: no overlap, each change sent once', async () => {
    const { server, a, b, db } = await twoTabs(new FakeLocks());
    await Promise.all([a.flush(), b.flush(), a.flush()]);
    expect(server.maxInFlight).toBe(1);
    const sent = server.pushes.flatMap((p) => p.rows.map((r) => r.mutationId));
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(3);
    expect(await db.outbox.count()).toBe(0);
  });

  it('take turns in one page without the Web Locks API', async () => {
    const { server, a, b } = await twoTabs(null);
    await Promise.all([a.flush(), b.flush()]);
    expect(server.maxInFlight).toBe(1);
    expect(server.pushes.flatMap((p) => p.rows)).toHaveLength(3);
  });
});
