import { afterEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../src/data/collections';
import { DoorstepDb } from '../../src/data/db';
import { edit } from '../../src/data/outbox';
import { PULL_LIMIT } from '../../src/data/pull';
import { SyncClient } from '../../src/data/sync';
import { FakeServer, apiFor, freshDb, workOrder } from './helpers';

const open: DoorstepDb[] = [];
afterEach(() => {
  for (const d of open.splice(0)) d.close();
});

function setup(name?: string): { db: DoorstepDb; server: FakeServer; sync: SyncClient } {
  const db = freshDb(name);
  open.push(db);
  const server = new FakeServer();
  return { db, server, sync: new SyncClient(db, apiFor(server), { locks: null }) };
}

describe('pull', () => {
  it('pulls every collection until caught up and stores the checkpoints', async () => {
    const { db, server, sync } = setup();
    for (let i = 1; i <= PULL_LIMIT + 20; i++) server.put('assets', { id: `a${i}`, version: i, deleted: false, tagCode: `T${i}`, siteId: 's1' });
    server.put('workOrders', workOrder('wo1', { version: 700 }));
    await sync.pullAll();
    expect(await db.docs('assets').count()).toBe(PULL_LIMIT + 20);
    expect(server.pulls.filter((p) => p.collection === 'assets')).toHaveLength(2);
    expect((await db.checkpoints.get('assets'))?.checkpoint).toEqual({ version: PULL_LIMIT + 20 });
    expect((await db.checkpoints.get('workOrders'))?.checkpoint).toEqual({ version: 700 });
    expect((await db.checkpoints.get('customers'))?.checkpoint).toEqual({ version: 0 });
    expect(await db.docs('assets').where('tagCode').equals('T7').count()).toBe(1);
  });

  it('deletes tombstones locally', async () => {
    const { db, server, sync } = setup();
    server.put('sites', { id: 's1', version: 3, deleted: false, name: 'Home' });
    await sync.pullAll();
    server.put('sites', { id: 's1', version: 4, deleted: true, name: 'Home' });
    await sync.pullAll();
    expect(await db.docs('sites').get('s1')).toBeUndefined();
  });

  it('drops a revoked order and moves its unsent changes to "needs attention"', async () => {
    const { db, server, sync } = setup();
    server.put('workOrders', workOrder('wo1', { version: 3 }));
    await sync.pullAll();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'half done' });
    server.put('workOrders', { id: 'wo1', version: 8, deleted: true, revoked: true });
    await sync.pullAll();
    expect(await db.docs('workOrders').get('wo1')).toBeUndefined();
    const [e] = await db.outbox.toArray();
    expect(e).toMatchObject({ state: 'needs_attention', code: 'REASSIGNED', reason: 'reassigned' });
    expect(e?.newDocumentState.progressNote).toBe('half done');
  });

  it('shows a local edit on top of a newer pulled state, keeping the original base', async () => {
    const { db, server, sync } = setup();
    server.put('workOrders', workOrder('wo1', { version: 3 }));
    await sync.pullAll();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'mine' });
    server.put('workOrders', workOrder('wo1', { version: 9, symptom: 'desk changed it' }));
    server.failures = []; // pull only: the push would succeed and hide the point
    await sync.pullAll();
    expect(await db.docs('workOrders').get('wo1')).toMatchObject({ progressNote: 'mine', symptom: 'desk changed it', version: 9 });
    const [e] = await db.outbox.toArray();
    expect(e?.assumedMasterState?.version).toBe(3);
    expect(e?.assumedMasterState?.symptom).toBeUndefined();
  });

  it('ignores a document older than the one held', async () => {
    const { db, server, sync } = setup();
    await db.docs('workOrders').put(workOrder('wo1', { version: 10, symptom: 'new' }));
    server.put('workOrders', workOrder('wo1', { version: 4, symptom: 'old' }));
    await sync.pullAll();
    expect((await db.docs('workOrders').get('wo1'))?.symptom).toBe('new');
  });

  it('skips a collection the server does not offer yet', async () => {
    const { db, server, sync } = setup();
    server.unknownCollections.add('appointments');
    server.put('workOrders', workOrder('wo1', { version: 3 }));
    await sync.pullAll();
    expect(sync.unsupported.has('appointments')).toBe(true);
    expect(await db.docs('workOrders').count()).toBe(1);
  });

  it('keeps checkpoints across a restart', async () => {
    const name = `restart-${Math.random()}`;
    const first = setup(name);
    first.server.put('workOrders', workOrder('wo1', { version: 42 }));
    await first.sync.pullAll();
    first.db.close();

    // The app starts again: a new Dexie instance on the same IndexedDB database.
    const db = new DoorstepDb(name);
    open.push(db);
    const sync = new SyncClient(db, apiFor(first.server), { locks: null });
    first.server.pulls.length = 0;
    await sync.pullAll(['workOrders']);
    expect(first.server.pulls).toEqual([{ collection: 'workOrders', checkpoint: { version: 42 }, token: 'token-1' }]);
    expect((await db.docs('workOrders').get('wo1'))?.version).toBe(42);
  });

  it('reports first-sync progress per collection', async () => {
    const { server, sync } = setup();
    server.put('workOrders', workOrder('wo1', { version: 3 }));
    const seen: string[] = [];
    const stop = sync.status.subscribe((s) => {
      if (s.firstSync) seen.push(`${s.firstSync.done}/${s.firstSync.total}:${s.firstSync.counts.workOrders ?? 0}`);
    });
    await sync.pullAll();
    stop();
    // The list grows as features add collections; workOrders is pulled after those before it.
    const total = COLLECTIONS.length;
    const before = COLLECTIONS.findIndex((c) => c.name === 'workOrders');
    expect(seen[0]).toBe(`0/${total}:0`);
    expect(seen).toContain(`${before}/${total}:1`);
    expect(sync.status.value.firstSync).toBeNull();
  });
});
