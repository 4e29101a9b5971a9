import { afterEach, describe, expect, it } from 'vitest';
import type { DoorstepDb } from '../../src/data/db';
import { create, discard, edit, retry } from '../../src/data/outbox';
import { freshDb, workOrder } from './helpers';

let db: DoorstepDb;
afterEach(async () => {
  db?.close();
});

async function seeded(): Promise<DoorstepDb> {
  db = freshDb();
  await db.docs('workOrders').put(workOrder('wo1'));
  return db;
}

describe('outbox.edit', () => {
  it('writes the document and its outbox entry together', async () => {
    await seeded();
    await edit(db, 'workOrders', 'wo1', { status: 'accepted', acceptedAt: '2026-11-23T02:00:00Z' });
    const doc = await db.docs('workOrders').get('wo1');
    const entries = await db.outbox.toArray();
    expect(doc?.status).toBe('accepted');
    expect(entries).toHaveLength(1);
    const [e] = entries;
    expect(e?.state).toBe('pending');
    expect(e?.assumedMasterState?.status).toBe('dispatched');
    expect(e?.newDocumentState.status).toBe('accepted');
    expect(e?.newDocumentState.number).toBe('WO-wo1'); // the whole document is sent
    expect(e?.mutationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves neither the document change nor the entry when the transaction fails', async () => {
    await seeded();
    // The entry's write fails after the document was written inside the same transaction.
    db.outbox.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(edit(db, 'workOrders', 'wo1', { progressNote: 'lost?' })).rejects.toThrow('disk full');
    expect((await db.docs('workOrders').get('wo1'))?.progressNote).toBe('');
    expect(await db.outbox.count()).toBe(0);
    expect(await db.masters.count()).toBe(0);
  });

  it('refuses to edit a record the device does not hold', async () => {
    db = freshDb();
    await expect(edit(db, 'workOrders', 'nope', { progressNote: 'x' })).rejects.toThrow();
    expect(await db.outbox.count()).toBe(0);
  });

  it('folds consecutive edits into one entry while it was never sent', async () => {
    await seeded();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'a' });
    await edit(db, 'workOrders', 'wo1', { progressNote: 'ab', resolution: 'fixed' });
    const entries = await db.outbox.toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.newDocumentState).toMatchObject({ progressNote: 'ab', resolution: 'fixed' });
    expect(entries[0]?.assumedMasterState?.progressNote).toBe('');
  });

  it('keeps every status move its own entry, in order (the server takes one move at a time)', async () => {
    await seeded();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'on my way' });
    await edit(db, 'workOrders', 'wo1', { status: 'accepted' });
    await edit(db, 'workOrders', 'wo1', { status: 'en_route' });
    await edit(db, 'workOrders', 'wo1', { progressNote: 'arrived soon' });
    await edit(db, 'workOrders', 'wo1', { status: 'on_site' });
    const entries = await db.outbox.orderBy('seq').toArray();
    expect(entries.map((e) => [e.assumedMasterState?.status, e.newDocumentState.status])).toEqual([
      ['dispatched', 'dispatched'],
      ['dispatched', 'accepted'],
      ['accepted', 'en_route'],
      ['en_route', 'en_route'],
      ['en_route', 'on_site'],
    ]);
  });

  it('starts a new entry once the previous one may have reached the server', async () => {
    await seeded();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'a' });
    await db.outbox.toCollection().modify({ attempts: 1 });
    await edit(db, 'workOrders', 'wo1', { status: 'accepted' });
    const [first, second] = await db.outbox.orderBy('seq').toArray();
    expect(first?.newDocumentState.status).toBe('dispatched');
    // Based on what the first change will make of the master: it carries only its own field.
    expect(second?.assumedMasterState).toMatchObject({ progressNote: 'a', status: 'dispatched' });
    expect(second?.newDocumentState).toMatchObject({ progressNote: 'a', status: 'accepted' });
    expect(second?.mutationId).not.toBe(first?.mutationId);
  });

  it('creates a record with no assumed master', async () => {
    db = freshDb();
    const doc = await create(db, 'workNotes', { workOrderId: 'wo1', authorId: null, body: 'ONU replaced', writtenAt: '2026-11-23T02:15:00Z' });
    const [e] = await db.outbox.toArray();
    expect(e?.assumedMasterState).toBeNull();
    expect(e?.newDocumentState).toMatchObject({ id: doc.id, deleted: false, body: 'ONU replaced' });
    expect(await db.docs('workNotes').get(doc.id)).toBeTruthy();
  });
});

describe('needs attention: retry and discard', () => {
  it('discarding restores the server state', async () => {
    await seeded();
    await edit(db, 'workOrders', 'wo1', { status: 'accepted' });
    const [e] = await db.outbox.toArray();
    await db.outbox.update(e?.seq as number, { state: 'needs_attention', code: 'INVALID_TRANSITION', reason: 'no' });
    await discard(db, e?.seq as number);
    expect((await db.docs('workOrders').get('wo1'))?.status).toBe('dispatched');
    expect(await db.outbox.count()).toBe(0);
    expect(await db.masters.count()).toBe(0);
  });

  it('discarding a record created here removes it', async () => {
    db = freshDb();
    const doc = await create(db, 'workNotes', { workOrderId: 'wo1', body: 'x', writtenAt: '2026-11-23T02:15:00Z', authorId: null });
    const [e] = await db.outbox.toArray();
    await discard(db, e?.seq as number);
    expect(await db.docs('workNotes').get(doc.id)).toBeUndefined();
  });

  it('retry sends the document as it reads now, under a new mutation id', async () => {
    await seeded();
    await edit(db, 'workOrders', 'wo1', { status: 'cannot_finish', cannotFinishReason: '' });
    const [e] = await db.outbox.toArray();
    await db.outbox.update(e?.seq as number, { state: 'needs_attention', code: 'REASON_REQUIRED', reason: 'A reason is required.', attempts: 1 });
    // The technician corrects the reason: a separate change, pushed on its own.
    await edit(db, 'workOrders', 'wo1', { cannotFinishReason: 'No fibre in the street' });
    await retry(db, e?.seq as number);
    const entries = await db.outbox.orderBy('seq').toArray();
    const again = entries.at(-1);
    expect(again?.state).toBe('pending');
    expect(again?.mutationId).not.toBe(e?.mutationId);
    expect(again?.newDocumentState).toMatchObject({ status: 'cannot_finish', cannotFinishReason: 'No fibre in the street' });
    expect(entries.filter((x) => x.state === 'needs_attention')).toHaveLength(0);
  });
});
