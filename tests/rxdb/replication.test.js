// Run by tests/server/syncing/test_rxdb_client.py, which starts a server, seeds it and passes
// DOORSTEP_RXDB_FIXTURE (JSON): {httpUrl, wsUrl, technicianToken, dispatcherToken, collections:
// [{name, fields, writable}], expected: {collection: [document]}, workOrderId, foreignWorkOrderId,
// script: {insertNoteId, insertTimeEntryId, rejectNoteId, conflictNoteId, bodyA, bodyB}}.
// The tests share one server and run in order (node --test --test-concurrency=1).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { eventually, graphql, openDevice } from './device.js';

const raw = process.env.DOORSTEP_RXDB_FIXTURE;
const fixture = raw ? JSON.parse(raw) : null;
const skip = fixture ? false : 'run through pytest tests/server/syncing/test_rxdb_client.py';

function device(name, options = {}) {
  return openDevice({
    name,
    httpUrl: fixture.httpUrl,
    wsUrl: fixture.wsUrl,
    token: fixture.technicianToken,
    collections: fixture.collections,
    ...options,
  });
}

async function note(dev, id) {
  const doc = await dev.db.workNotes.findOne(id).exec();
  return doc ? doc.toJSON() : null;
}

// Limits only turn a hang into a readable failure; nothing here measures speed.
const LIMIT = { timeout: 30_000 };

// Open-source RxDB allows 13 live collections per process: one database holds every collection
// for the first test and is closed; the two devices after it hold only what their tests use.
const FIELD_WORK = ['workNotes', 'timeEntries'];

describe('a stock RxDB client', { skip, ...LIMIT }, () => {
  let everything;
  let phone;
  let tablet;
  const earlierErrors = [];

  after(async () => {
    await everything?.close();
    await phone?.close();
    await tablet?.close();
  }, LIMIT);

  test('pulls every collection exactly as the server holds it in scope', async () => {
    // Groups of at most 12 collections, one database each, opened and closed in turn.
    const groups = [];
    for (let i = 0; i < fixture.collections.length; i += 12) groups.push(fixture.collections.slice(i, i + 12));
    for (const group of groups) {
      // Small pages: the checkpoint must advance.
      everything = await device(`everything-${groups.indexOf(group)}`, { collections: group, batchSize: 2 });
      await checkGroup(everything, group);
      earlierErrors.push(...everything.errors);
      await everything.close();
      everything = null;
    }
    const field = fixture.collections.filter((spec) => FIELD_WORK.includes(spec.name));
    phone = await device('phone', { collections: field, batchSize: 2 });
    tablet = await device('tablet', { collections: field });
  });

  async function checkGroup(dev, group) {
    for (const spec of group) {
      const local = (await dev.db[spec.name].find().exec()).map((d) => d.toJSON());
      const expected = fixture.expected[spec.name];
      assert.deepEqual(
        local.map((d) => d.id).sort(),
        expected.map((d) => d.id).sort(),
        `ids of ${spec.name}`,
      );
      const byId = new Map(local.map((d) => [d.id, d]));
      for (const doc of expected) {
        const { deleted, ...fields } = doc;
        assert.equal(deleted, false);
        assert.deepEqual(byId.get(doc.id), fields, `${spec.name} ${doc.id}`);
      }
    }
  }

  test('an insert is pushed and reaches the other device through the stream', async () => {
    const { insertNoteId, insertTimeEntryId } = fixture.script;
    await tablet.db.workNotes.insert({
      id: insertNoteId,
      workOrderId: fixture.workOrderId,
      authorId: null,
      body: 'Replaced the splitter in the hallway box',
      writtenAt: '2026-11-23T03:00:00Z',
    });
    await tablet.db.timeEntries.insert({
      id: insertTimeEntryId,
      workOrderId: fixture.workOrderId,
      technicianId: null,
      kind: 'work',
      startedAt: '2026-11-23T02:30:00Z',
      endedAt: '2026-11-23T03:05:00Z',
      note: '',
    });
    await tablet.inSync('workNotes', 'timeEntries');
    const arrived = await eventually('the note on the phone', () => note(phone, insertNoteId));
    assert.equal(arrived.body, 'Replaced the splitter in the hallway box');
    assert.ok(arrived.authorId, 'the server fills in the author');
    assert.ok(arrived.version > 0);
    await eventually('the time entry on the phone', () =>
      phone.db.timeEntries.findOne(insertTimeEntryId).exec(),
    );
  });

  test('a delete propagates as a tombstone', async () => {
    const { insertNoteId } = fixture.script;
    assert.ok(await note(tablet, insertNoteId), 'the tablet holds the note it wrote');
    const doc = await phone.db.workNotes.findOne(insertNoteId).exec();
    await doc.remove();
    await phone.inSync('workNotes');
    await eventually('the delete on the tablet', async () => (await note(tablet, insertNoteId)) === null);
    const pulled = await graphql(
      fixture.httpUrl,
      fixture.technicianToken,
      'query { pullWorkNotes(checkpoint: null, limit: 1000) { documents } }',
    );
    const tombstone = pulled.pullWorkNotes.documents.find((d) => d.id === insertNoteId);
    assert.equal(tombstone.deleted, true);
  });

  test('two devices editing the same note offline converge and the loss is logged', async () => {
    const { conflictNoteId, bodyA, bodyB } = fixture.script;
    await Promise.all([phone.goOffline('workNotes'), tablet.goOffline('workNotes')]);
    await (await phone.db.workNotes.findOne(conflictNoteId).exec()).incrementalPatch({ body: bodyA });
    await (await tablet.db.workNotes.findOne(conflictNoteId).exec()).incrementalPatch({ body: bodyB });
    // The phone comes back online first, the tablet second: the tablet's value wins
    // (a technician-owned field) and the phone's value is the one overwritten.
    await phone.goOnline('workNotes');
    await phone.inSync('workNotes');
    await tablet.goOnline('workNotes');
    await tablet.inSync('workNotes');
    for (const dev of [phone, tablet]) {
      await eventually('both devices to agree', async () => (await note(dev, conflictNoteId)).body === bodyB);
    }
    const logged = await graphql(
      fixture.httpUrl,
      fixture.dispatcherToken,
      `query($id: String) { syncConflicts(collection: "workNotes", docId: $id) {
        edges { node { field lost won winner } } } }`,
      { id: conflictNoteId },
    );
    assert.deepEqual(
      logged.syncConflicts.edges.map((e) => e.node),
      [{ field: 'body', lost: bodyA, won: bodyB, winner: 'client' }],
    );
  });

  test('a rejected insert is rolled back on the device and reported', async () => {
    const { rejectNoteId } = fixture.script;
    await phone.db.workNotes.insert({
      id: rejectNoteId,
      workOrderId: fixture.foreignWorkOrderId,
      authorId: null,
      body: 'Written on an order that is not mine',
      writtenAt: '2026-11-23T04:00:00Z',
    });
    await phone.inSync('workNotes');
    const gone = async () => (await note(phone, rejectNoteId)) === null;
    await eventually('the rejected note to disappear', gone);
    assert.deepEqual(
      phone.rejections.map((r) => [r.collection, r.id, r.code]),
      [['workNotes', rejectNoteId, 'NOT_IN_SCOPE']],
    );
  });

  test('no replication reported an error', () => {
    assert.deepEqual([...earlierErrors, ...phone.errors, ...tablet.errors], []);
  });
});
