import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Api, PullBatch } from '../../src/data/api';
import { applyPulledPage, applyTables } from '../../src/data/apply';
import { DoorstepDb } from '../../src/data/db';
import type { Checkpoint, Doc } from '../../src/data/docs';
import { create, edit } from '../../src/data/outbox';
import { PULL_LIMIT, pullCollection } from '../../src/data/pull';
import { SyncClient } from '../../src/data/sync';
import { FakeServer, apiFor, freshDb, workOrder } from './helpers';

const open: DoorstepDb[] = [];
afterEach(() => {
  for (const d of open.splice(0)) d.close();
  vi.restoreAllMocks();
});

function db(name?: string): DoorstepDb {
  const d = freshDb(name);
  open.push(d);
  return d;
}

const asset = (id: string, version: number, fields: Partial<Doc> = {}): Doc => ({
  id,
  version,
  deleted: false,
  tagCode: `T-${id}`,
  siteId: 's1',
  ...fields,
});

/** Store one page the way pullCollection does: one rw transaction with the checkpoint. */
async function storePage(d: DoorstepDb, collection: string, docs: Doc[], firstDownload = false): Promise<void> {
  await d.transaction('rw', [...applyTables(d, collection), d.checkpoints], async () => {
    await applyPulledPage(d, collection, docs, { firstDownload });
    await d.checkpoints.put({ collection, checkpoint: { version: Math.max(...docs.map((x) => x.version)) } });
  });
}

/** An Api whose pull answers come from `pages` in order, recording each request. */
function scriptedApi(pages: (() => Promise<PullBatch> | PullBatch)[]) {
  const requests: { collection: string; checkpoint: Checkpoint }[] = [];
  const api = {
    pull: async (collection: string, checkpoint: Checkpoint) => {
      requests.push({ collection, checkpoint });
      const next = pages.shift();
      if (!next) throw new Error('no more pages scripted');
      return next();
    },
  } as unknown as Api;
  return { api, requests };
}

function fullPage(from: number, prefix = 'a'): Doc[] {
  return Array.from({ length: PULL_LIMIT }, (_, i) => asset(`${prefix}${from + i}`, from + i));
}

describe('a pulled page', () => {
  it('stores fresh documents in bulk and keeps a pending local edit on top of the new state', async () => {
    const d = db();
    await d.docs('workOrders').bulkPut([workOrder('mine', { version: 3 }), workOrder('old', { version: 4 }), workOrder('newer', { version: 20 })]);
    await edit(d, 'workOrders', 'mine', { progressNote: 'half done' });
    await storePage(d, 'workOrders', [
      workOrder('fresh1', { version: 10 }),
      workOrder('mine', { version: 11, symptom: 'desk changed it' }),
      workOrder('old', { version: 12, deleted: true }),
      workOrder('newer', { version: 13, symptom: 'stale' }),
      workOrder('fresh2', { version: 14 }),
    ]);
    const rows = d.docs('workOrders');
    expect(await rows.get('fresh1')).toMatchObject({ version: 10 });
    expect(await rows.get('fresh2')).toMatchObject({ version: 14 });
    // The local edit survives, shown on the new state; its entry keeps the original base.
    expect(await rows.get('mine')).toMatchObject({ version: 11, symptom: 'desk changed it', progressNote: 'half done' });
    const [entry] = await d.outbox.toArray();
    expect(entry?.assumedMasterState?.version).toBe(3);
    expect(entry?.newDocumentState.progressNote).toBe('half done');
    expect((await d.masters.get('workOrders/mine'))?.doc?.version).toBe(11);
    // A tombstone removes the row; an older state than the one held is ignored.
    expect(await rows.get('old')).toBeUndefined();
    expect((await rows.get('newer'))?.version).toBe(20);
    expect(await d.masters.count()).toBe(1);
  });

  it('moves the unsent change of a revoked document to "needs attention" and stores the rest', async () => {
    const d = db();
    await d.docs('workOrders').put(workOrder('gone', { version: 3 }));
    await edit(d, 'workOrders', 'gone', { progressNote: 'not sent yet' });
    await storePage(d, 'workOrders', [workOrder('other', { version: 8 }), { id: 'gone', version: 9, deleted: true, revoked: true }]);
    expect(await d.docs('workOrders').get('gone')).toBeUndefined();
    expect(await d.docs('workOrders').get('other')).toMatchObject({ version: 8 });
    const [entry] = await d.outbox.toArray();
    expect(entry).toMatchObject({ state: 'needs_attention', code: 'REASSIGNED' });
    expect(entry?.newDocumentState.progressNote).toBe('not sent yet');
  });

  it('keeps a record created on this device that the page does not name', async () => {
    const d = db();
    const note = await create(d, 'workNotes', { workOrderId: 'wo1', text: 'mine' });
    await storePage(d, 'workNotes', [{ id: 'n1', version: 5, deleted: false, workOrderId: 'wo1', text: 'desk' }]);
    expect(await d.docs('workNotes').get(note.id)).toMatchObject({ text: 'mine' });
    expect(await d.docs('workNotes').get('n1')).toMatchObject({ text: 'desk' });
    expect(await d.outbox.count()).toBe(1);
  });

  it('stores the latest of a document named twice in one page', async () => {
    const d = db();
    await storePage(d, 'assets', [asset('a1', 5, { name: 'second' }), asset('a1', 4, { name: 'first' })]);
    expect(await d.docs('assets').get('a1')).toMatchObject({ version: 5, name: 'second' });
  });

  it('strips the transport fields before storing', async () => {
    const d = db();
    await storePage(d, 'assets', [asset('a1', 5, { revoked: false })]);
    expect(await d.docs('assets').get('a1')).not.toHaveProperty('revoked');
  });

  it('reads nothing first on a first download into an empty table', async () => {
    const d = db();
    const bulkGet = vi.spyOn(d.docs('assets'), 'bulkGet');
    await storePage(d, 'assets', [asset('a1', 1), asset('a2', 2)], true);
    expect(bulkGet).not.toHaveBeenCalled();
    expect(await d.docs('assets').count()).toBe(2);
    // Not a first download: the versions held are compared.
    await storePage(d, 'assets', [asset('a1', 3)], false);
    expect(bulkGet).toHaveBeenCalledTimes(1);
  });

  it('takes the careful path during a first download once something is queued', async () => {
    const d = db();
    await storePage(d, 'workOrders', [workOrder('wo1', { version: 3 })], true);
    await edit(d, 'workOrders', 'wo1', { progressNote: 'typed between two pages' });
    await storePage(d, 'workOrders', [workOrder('wo1', { version: 9, symptom: 'desk' })], true);
    expect(await d.docs('workOrders').get('wo1')).toMatchObject({ version: 9, symptom: 'desk', progressNote: 'typed between two pages' });
    expect(await d.outbox.count()).toBe(1);
  });
});

describe('pullCollection', () => {
  it('requests the next page while the current one is stored, never more than one ahead', async () => {
    const d = db();
    let stored = 0;
    const seenAhead: number[] = [];
    const { api, requests } = scriptedApi([
      () => ({ documents: fullPage(1), checkpoint: { version: PULL_LIMIT } }),
      () => ({ documents: fullPage(PULL_LIMIT + 1), checkpoint: { version: 2 * PULL_LIMIT } }),
      () => ({ documents: [asset('last', 2 * PULL_LIMIT + 1)], checkpoint: { version: 2 * PULL_LIMIT + 1 } }),
    ]);
    const received = await pullCollection(d, api, 'assets', {
      onBatch: () => {
        stored += 1;
        seenAhead.push(requests.length - stored);
      },
    });
    expect(received).toBe(2 * PULL_LIMIT + 1);
    expect(requests.map((r) => r.checkpoint)).toEqual([null, { version: PULL_LIMIT }, { version: 2 * PULL_LIMIT }]);
    // After pages 1 and 2 were stored the next request was already out; after the last, none.
    expect(seenAhead).toEqual([1, 1, 0]);
    expect(await d.docs('assets').count()).toBe(2 * PULL_LIMIT + 1);
    expect((await d.checkpoints.get('assets'))?.checkpoint).toEqual({ version: 2 * PULL_LIMIT + 1 });
  });

  it('keeps an edit made between two pages of a first download', async () => {
    const d = db();
    let edited: Promise<unknown> = Promise.resolve();
    const page1 = Array.from({ length: PULL_LIMIT }, (_, i) => workOrder(`wo${i}`, { version: i + 1 }));
    const { api } = scriptedApi([
      () => ({ documents: page1, checkpoint: { version: PULL_LIMIT } }),
      // The second page is answered only once the technician's edit is stored.
      async () => {
        await edited;
        return { documents: [workOrder('wo7', { version: PULL_LIMIT + 5, symptom: 'desk' })], checkpoint: { version: PULL_LIMIT + 5 } };
      },
    ]);
    await pullCollection(d, api, 'workOrders', {
      onBatch: (n) => {
        if (n === PULL_LIMIT) edited = edit(d, 'workOrders', 'wo7', { progressNote: 'mine' });
      },
    });
    expect(await d.docs('workOrders').get('wo7')).toMatchObject({ version: PULL_LIMIT + 5, symptom: 'desk', progressNote: 'mine' });
    const [entry] = await d.outbox.toArray();
    expect(entry?.assumedMasterState?.version).toBe(8);
  });

  it('stores neither the documents nor the checkpoint of a page that fails, and resumes there', async () => {
    const d = db();
    const { api, requests } = scriptedApi([
      () => ({ documents: fullPage(1), checkpoint: { version: PULL_LIMIT } }),
      // A document IndexedDB refuses (no key): the whole page's transaction is undone.
      () => ({ documents: [...fullPage(PULL_LIMIT + 1).slice(1), { version: 2 * PULL_LIMIT } as Doc], checkpoint: { version: 2 * PULL_LIMIT } }),
      () => Promise.reject(new Error('never awaited: the page before it failed')),
      () => ({ documents: [asset('x', 2 * PULL_LIMIT + 1)], checkpoint: { version: 2 * PULL_LIMIT + 1 } }),
    ]);
    await expect(pullCollection(d, api, 'assets')).rejects.toThrow();
    expect(await d.docs('assets').count()).toBe(PULL_LIMIT);
    expect((await d.checkpoints.get('assets'))?.checkpoint).toEqual({ version: PULL_LIMIT });
    await pullCollection(d, api, 'assets');
    expect(requests.at(-1)?.checkpoint).toEqual({ version: PULL_LIMIT });
    expect(await d.docs('assets').get('x')).toBeDefined();
  });

  it('uses a first page the caller requested already, and lets it start the next request early', async () => {
    const d = db();
    const { api, requests } = scriptedApi([() => ({ documents: [asset('a1', 4)], checkpoint: { version: 4 } })]);
    const first = api.pull('assets', null, PULL_LIMIT);
    let lastPageAt = -1;
    await pullCollection(d, api, 'assets', { checkpoint: null, first, onLastPage: () => (lastPageAt = requests.length) });
    expect(requests).toHaveLength(1);
    expect(lastPageAt).toBe(1);
    expect(await d.docs('assets').get('a1')).toBeDefined();
  });
});

describe('pullAll', () => {
  it('requests the next collection while the last page of the current one is stored', async () => {
    const d = db();
    const server = new FakeServer();
    server.put('customers', { id: 'c1', version: 1, deleted: false, name: 'C' });
    server.put('sites', { id: 's1', version: 2, deleted: false, customerId: 'c1' });
    const api = apiFor(server);
    const started: string[] = [];
    const pull = api.pull.bind(api);
    api.pull = (collection, checkpoint, limit) => {
      started.push(collection);
      return pull(collection, checkpoint, limit);
    };
    const sync = new SyncClient(d, api, { locks: null });
    const order: string[] = [];
    const transaction = d.transaction.bind(d) as (...args: unknown[]) => Promise<unknown>;
    vi.spyOn(d, 'transaction').mockImplementation(((...args: unknown[]) => {
      order.push(`store after ${started.length} requests`);
      return transaction(...args);
    }) as typeof d.transaction);
    await sync.pullAll(['customers', 'sites', 'assets']);
    expect(started).toEqual(['customers', 'sites', 'assets']);
    expect(server.pulls.map((p) => p.collection)).toEqual(['customers', 'sites', 'assets']);
    // Each collection's page is stored once the following collection's request is out.
    expect(order).toEqual(['store after 2 requests', 'store after 3 requests', 'store after 3 requests']);
    expect(await d.docs('sites').get('s1')).toBeDefined();
  });

  it('reports the running count of a collection page by page during a first sync', async () => {
    const d = db();
    const server = new FakeServer();
    for (let i = 1; i <= PULL_LIMIT + 5; i++) server.put('assets', asset(`a${i}`, i));
    const sync = new SyncClient(d, apiFor(server), { locks: null });
    const counts: number[] = [];
    const stop = sync.status.subscribe((s) => {
      const n = s.firstSync?.counts.assets;
      if (n !== undefined && counts.at(-1) !== n) counts.push(n);
    });
    await sync.pullAll(['assets']);
    stop();
    expect(counts).toEqual([0, PULL_LIMIT, PULL_LIMIT + 5]);
    expect(sync.status.value.firstSync).toBeNull();
  });
});

describe('schema upgrade', () => {
  it('keeps the documents and queued changes of a device on the previous schema', async () => {
    const name = `upgrade-${Math.random()}`;
    // The version 1 layout, as the previous build declared it.
    const old = new Dexie(name);
    old.version(1).stores({
      outbox: '++seq, docKey, state, collection',
      masters: 'key',
      checkpoints: 'collection',
      meta: 'key',
      assets: 'id, tagCode, siteId, customerId',
      workOrders: 'id, status, assignedToId, scheduledDate, siteId, customerId',
    });
    await old.table('assets').put(asset('a1', 3, { customerId: 'c1' }));
    await old.table('checkpoints').put({ collection: 'assets', checkpoint: { version: 3 } });
    await old.table('outbox').add({ collection: 'workOrders', docId: 'wo1', docKey: 'workOrders/wo1', state: 'pending' });
    old.close();

    const d = db(name);
    expect(await d.docs('assets').where('tagCode').equals('T-a1').count()).toBe(1);
    expect((await d.checkpoints.get('assets'))?.checkpoint).toEqual({ version: 3 });
    expect(await d.outbox.count()).toBe(1);
    expect(d.docs('assets').schema.indexes.map((i) => i.name).sort()).toEqual(['siteId', 'tagCode']);
  });
});
