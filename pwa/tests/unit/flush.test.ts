import { afterEach, describe, expect, it } from 'vitest';
import { Api, ApiError, type AuthProvider } from '../../src/data/api';
import type { DoorstepDb } from '../../src/data/db';
import type { Doc } from '../../src/data/docs';
import { edit } from '../../src/data/outbox';
import { SyncClient } from '../../src/data/sync';
import { FakeAuth, FakeServer, apiFor, freshDb, workOrder } from './helpers';

let db: DoorstepDb;
let server: FakeServer;
afterEach(() => db?.close());

async function setup(): Promise<SyncClient> {
  db = freshDb();
  server = new FakeServer();
  const wo = server.put('workOrders', workOrder('wo1', { version: 5 }));
  await db.docs('workOrders').put(structuredClone(wo));
  return new SyncClient(db, apiFor(server), { locks: null });
}

const local = async (): Promise<Doc | undefined> => db.docs('workOrders').get('wo1');

describe('flush', () => {
  it('drops an entry the server applied as sent', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { status: 'accepted', acceptedAt: '2026-11-23T02:00:00Z' });
    const result = await sync.flush();
    expect(result).toEqual({ sent: 1 });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.masters.count()).toBe(0);
    const [push] = server.pushes;
    expect(push?.rows[0]?.assumedMasterState?.status).toBe('dispatched');
    expect(push?.rows[0]?.newDocumentState.status).toBe('accepted');
    expect((await local())?.status).toBe('accepted');
  });

  it('keeps a desk change pulled while the edit waited, once the edit is applied', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'mine' });
    server.put('workOrders', workOrder('wo1', { version: 8, symptom: 'desk text' }));
    await sync.pullAll();
    server.pushHandler = () => []; // applied as sent; the server merged it onto version 8
    await sync.flush();
    expect(await local()).toMatchObject({ progressNote: 'mine', symptom: 'desk text', version: 8 });
    expect(await db.masters.count()).toBe(0);
  });

  it('replaces the local document with a returned master that kept the change', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { acceptedAt: '2026-11-23T02:00:00.000Z', status: 'accepted' });
    // Normalised time and a desk edit of another field: "merged or changed".
    server.pushHandler = (_c, rows) => [{ ...rows[0]!.newDocumentState, acceptedAt: '2026-11-23T02:00:00Z', symptom: 'desk text', version: 9 }];
    await sync.flush();
    expect(await db.outbox.count()).toBe(0);
    expect(await local()).toMatchObject({ acceptedAt: '2026-11-23T02:00:00Z', symptom: 'desk text', version: 9, status: 'accepted' });
  });

  it('keeps a change the master overruled under "needs attention"', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { status: 'accepted' });
    // The desk put the order on hold meanwhile; status belongs to the desk.
    server.pushHandler = (_c, rows) => [{ ...rows[0]!.newDocumentState, status: 'on_hold', version: 9 }];
    await sync.flush();
    const [e] = await db.outbox.toArray();
    expect(e?.state).toBe('needs_attention');
    expect(e?.code).toBe('CONFLICT');
    expect(e?.reason).toContain('status');
    expect((await db.masters.get('workOrders/wo1'))?.doc?.status).toBe('on_hold');
  });

  it('keeps a rejected edit visible with the reason', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { status: 'work_done' });
    server.pushHandler = (_c, rows) => [
      { ...workOrder('wo1', { version: 5 }), rejected: { code: 'INVALID_TRANSITION', message: 'A work order that is dispatched cannot become work done.', mutationId: rows[0]!.mutationId } },
    ];
    await sync.flush();
    const [e] = await db.outbox.toArray();
    expect(e).toMatchObject({ state: 'needs_attention', code: 'INVALID_TRANSITION' });
    expect(e?.reason).toContain('cannot become');
    expect((await local())?.status).toBe('work_done');
    // Nothing more is sent for it until the technician acts.
    server.pushes.length = 0;
    await sync.flush();
    expect(server.pushes).toHaveLength(0);
  });

  it('matches a rejection that names the server\'s own key for the mutation', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { status: 'work_done' });
    server.pushHandler = (_c, rows) => [
      { ...workOrder('wo1', { version: 5 }), rejected: { code: 'CHECKLIST_INCOMPLETE', message: 'Finish the checklist first.', mutationId: `user-7:${rows[0]!.mutationId}` } },
    ];
    await sync.flush();
    expect((await db.outbox.toArray())[0]).toMatchObject({ state: 'needs_attention', code: 'CHECKLIST_INCOMPLETE' });
    server.pushHandler = () => [
      { ...workOrder('wo1', { version: 5 }), rejected: { code: 'CHECKLIST_INCOMPLETE', message: 'again', mutationId: 'f'.repeat(64) } },
    ];
    await edit(db, 'workOrders', 'wo1', { progressNote: 'x' });
    await sync.flush();
    expect((await db.outbox.toArray()).map((e) => e.reason)).toEqual(['Finish the checklist first.', 'again']);
  });

  it('does not treat the "no such record" placeholder as a deletion', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'x' });
    server.pushHandler = (_c, rows) => [
      { id: 'wo1', deleted: true, version: 0, rejected: { code: 'NOT_IN_SCOPE', message: 'That work order is not assigned to you.', mutationId: rows[0]!.mutationId } },
    ];
    await sync.flush();
    expect((await local())?.progressNote).toBe('x');
    expect((await db.outbox.toArray())[0]?.code).toBe('NOT_IN_SCOPE');
  });

  it('retries after a 500 with the same mutation id', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'x' });
    server.failures = ['http500'];
    const first = await sync.flush();
    expect(first.stopped?.kind).toBe('server');
    const [waiting] = await db.outbox.toArray();
    expect(waiting).toMatchObject({ state: 'pending', attempts: 1 });
    // A later edit must not be folded into a change the server may have recorded.
    await edit(db, 'workOrders', 'wo1', { progressNote: 'xy' });
    expect(await db.outbox.count()).toBe(2);
    const second = await sync.flush();
    expect(second).toEqual({ sent: 2 });
    expect(server.pushes[0]?.rows[0]?.mutationId).toBe(waiting?.mutationId);
    expect(await db.outbox.count()).toBe(0);
  });

  it('keeps entries queued on a network failure and backs off', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'x' });
    server.failures = ['network'];
    expect(await sync.sync()).toBe(false);
    expect(sync.status.value.lastError).toBe('NETWORK');
    expect(await sync.sync({ respectBackoff: true })).toBe(false); // too soon
    expect(server.pushes).toHaveLength(0);
    expect(await sync.sync()).toBe(true); // "online" ignores the back-off
    expect(await db.outbox.count()).toBe(0);
  });

  it('refreshes an expired token and resends the same batch', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'x' });
    server.validTokens = new Set(); // token-1 has expired
    await sync.flush();
    expect(server.pushes.map((p) => p.token)).toEqual(['token-2']);
    expect(await db.outbox.count()).toBe(0);
  });

  it('refreshes after an HTTP 401 too', async () => {
    db = freshDb();
    server = new FakeServer();
    server.put('workOrders', workOrder('wo1', { version: 5 }));
    await db.docs('workOrders').put(workOrder('wo1', { version: 5 }));
    const auth = new FakeAuth(server);
    const sync = new SyncClient(db, apiFor(server, auth), { locks: null });
    await edit(db, 'workOrders', 'wo1', { progressNote: 'x' });
    server.failures = ['http401'];
    const result = await sync.flush();
    expect(result).toEqual({ sent: 1 });
    expect(auth.refreshed).toBe(1);
  });

  it('stops and asks for a sign-in when the refresh token is gone, keeping the outbox', async () => {
    db = freshDb();
    server = new FakeServer();
    await db.docs('workOrders').put(workOrder('wo1'));
    const auth: AuthProvider = {
      accessToken: async () => 'token-1',
      refresh: async () => {
        throw new ApiError('relogin', 'REFRESH_EXPIRED', 'Sign in again');
      },
    };
    server.validTokens = new Set();
    const sync = new SyncClient(db, new Api({ fetch: server.fetch, auth }), { locks: null });
    await edit(db, 'workOrders', 'wo1', { progressNote: 'x' });
    expect(await sync.sync()).toBe(false);
    expect(sync.status.value.needsLogin).toBe(true);
    expect((await db.outbox.toArray())[0]?.state).toBe('pending');
  });

  it('rebases an edit made while the previous one was in flight', async () => {
    const sync = await setup();
    await edit(db, 'workOrders', 'wo1', { progressNote: 'first' });
    server.pushHandler = async (_c, rows) => {
      if (server.pushes.length === 1) {
        // The technician types on while the push is on the wire.
        await edit(db, 'workOrders', 'wo1', { resolution: 'replaced ONU' });
        return [{ ...rows[0]!.newDocumentState, symptom: 'desk text', version: 9 }];
      }
      return [];
    };
    await sync.flush();
    const second = server.pushes[1]?.rows[0];
    expect(second?.assumedMasterState).toMatchObject({ symptom: 'desk text', version: 9, progressNote: 'first' });
    expect(second?.newDocumentState).toMatchObject({ symptom: 'desk text', progressNote: 'first', resolution: 'replaced ONU' });
    expect(await local()).toMatchObject({ symptom: 'desk text', progressNote: 'first', resolution: 'replaced ONU' });
    expect(await db.outbox.count()).toBe(0);
  });

  it('sends queued changes in order, one collection per batch, one row per document', async () => {
    const sync = await setup();
    await db.docs('workOrders').put(workOrder('wo2'));
    await edit(db, 'workOrders', 'wo1', { progressNote: 'a' });
    await edit(db, 'workOrders', 'wo2', { progressNote: 'b' });
    await db.outbox.toCollection().modify({ attempts: 1 }); // so the next edit is its own entry
    await edit(db, 'workOrders', 'wo1', { progressNote: 'c' });
    await sync.flush();
    expect(server.pushes.map((p) => p.rows.map((r) => r.newDocumentState.progressNote))).toEqual([['a', 'b'], ['c']]);
  });
});
