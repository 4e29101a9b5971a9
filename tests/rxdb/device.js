// A stock RxDB client of Doorstep's replication API: memory storage, the GraphQL replication
// plugin, and only the small query builders / response modifiers below (docs/sync-protocol.md).
import { addRxPlugin, createRxDatabase } from 'rxdb';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { replicateGraphQL } from 'rxdb/plugins/replication-graphql';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateIsMyJsonValidStorage } from 'rxdb/plugins/validate-is-my-json-valid';

// Dev-mode makes RxDB check schemas and replication input strictly; it needs a validator, and
// is-my-json-valid accepts the union types below (ajv's strict mode does not).
disableWarnings();
addRxPlugin(RxDBDevModePlugin);

const cap = (name) => name[0].toUpperCase() + name.slice(1);

// Field types are left open: the schema is built from the server's field list alone. What the
// validator still catches is a field the schema does not declare.
const ANY = { type: ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] };

/** An RxDB schema for one collection. RxDB forces `additionalProperties: false`, so every field
 * the server may send is declared; `deleted` is not, RxDB keeps it as `_deleted`. */
export function rxSchema(spec) {
  const properties = {
    id: { type: 'string', maxLength: 64 },
    version: { type: 'integer' },
    updatedAt: { type: ['string', 'null'] },
    // Tombstones of documents that left this user's scope carry `revoked: true`.
    revoked: { type: 'boolean' },
  };
  for (const field of spec.fields) properties[field] = ANY;
  return { title: spec.name, version: 0, type: 'object', primaryKey: 'id', properties, required: ['id'] };
}

export function pullQueryBuilder(name) {
  return (checkpoint, limit) => ({
    query: `query Pull${cap(name)}($checkpoint: JSON, $limit: Int!) {
      pull${cap(name)}(checkpoint: $checkpoint, limit: $limit) { documents checkpoint }
    }`,
    operationName: `Pull${cap(name)}`,
    variables: { checkpoint: checkpoint ?? null, limit },
  });
}

export function pushQueryBuilder(name) {
  return (rows) => ({
    query: `mutation Push${cap(name)}($rows: [PushRow!]!) { push${cap(name)}(rows: $rows) }`,
    operationName: `Push${cap(name)}`,
    variables: {
      rows: rows.map((row) => ({
        newDocumentState: row.newDocumentState,
        assumedMasterState: row.assumedMasterState ?? null,
      })),
    },
  });
}

export function streamQueryBuilder(name) {
  return () => ({
    query: `subscription Stream${cap(name)} { stream${cap(name)} { documents checkpoint resync } }`,
    variables: {},
  });
}

/** The stream answers `resync: true` first, meaning "pull from your checkpoint now". */
export function pullResponseModifier(batch) {
  return batch.resync ? 'RESYNC' : { documents: batch.documents, checkpoint: batch.checkpoint };
}

/** A rejected row comes back as the master state plus `rejected: {code, message, mutationId}`.
 * RxDB stores whatever it receives, and the server refuses unknown fields, so the marker is taken
 * off the document and handed to the app instead. */
export function pushResponseModifier(onRejected) {
  return (documents) =>
    documents.map(({ rejected, ...master }) => {
      if (rejected) onRejected({ id: master.id, ...rejected });
      return master;
    });
}

/** GraphQL over HTTP with a bearer token: for checks outside replication (e.g. syncConflicts). */
export async function graphql(url, token, query, variables = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

let opened = 0;

function replicate(db, spec, { httpUrl, wsUrl, token, batchSize }, report) {
  const onRejected = (rejection) => report.rejections.push({ collection: spec.name, ...rejection });
  return replicateGraphQL({
    collection: db[spec.name],
    replicationIdentifier: `doorstep-${spec.name}`,
    url: { http: httpUrl, ws: `${wsUrl}?device=${encodeURIComponent(db.name)}` },
    headers: { Authorization: `Bearer ${token}` },
    deletedField: 'deleted',
    live: true,
    retryTime: 500,
    waitForLeadership: false,
    pull: {
      batchSize,
      queryBuilder: pullQueryBuilder(spec.name),
      streamQueryBuilder: streamQueryBuilder(spec.name),
      responseModifier: pullResponseModifier,
      wsOptions: { connectionParams: { authorization: `Bearer ${token}` } },
    },
    push: spec.writable
      ? {
          queryBuilder: pushQueryBuilder(spec.name),
          responseModifier: pushResponseModifier(onRejected),
        }
      : undefined,
  });
}

/**
 * One device: an RxDB database holding every collection, each replicated live.
 * `name` separates devices; each gets its own WebSocket (RxDB shares one socket per URL).
 */
export async function openDevice({ name, httpUrl, wsUrl, token, collections, batchSize = 50 }) {
  opened += 1;
  const db = await createRxDatabase({
    name: `${name}-${process.pid}-${opened}`,
    storage: wrappedValidateIsMyJsonValidStorage({ storage: getRxStorageMemory() }),
    multiInstance: false,
  });
  await db.addCollections(
    Object.fromEntries(collections.map((spec) => [spec.name, { schema: rxSchema(spec) }])),
  );
  const options = { httpUrl, wsUrl, token, batchSize };
  const report = { errors: [], rejections: [] };
  const replications = {};
  const connect = (spec) => {
    const state = replicate(db, spec, options, report);
    state.error$.subscribe((error) => report.errors.push({ collection: spec.name, error }));
    replications[spec.name] = state;
    return state.awaitInitialReplication();
  };
  await Promise.all(collections.map(connect));
  return {
    db,
    ...report,
    replications,
    async inSync(...names) {
      const chosen = names.length ? names : Object.keys(replications);
      await Promise.all(chosen.map((n) => replications[n].awaitInSync()));
    },
    /** Offline as a device is after a restart without signal: replication gone, data kept.
     * (RxDB's pause()/start() would subscribe to the stream a second time.) */
    async goOffline(collection) {
      await replications[collection].cancel();
    },
    /** A new replication with the same identifier resumes from the stored checkpoints. */
    async goOnline(collection) {
      await connect(collections.find((spec) => spec.name === collection));
    },
    async close() {
      await Promise.all(Object.values(replications).map((r) => r.cancel()));
      await db.close();
    },
  };
}

/** Resolves with `probe()`'s first truthy result; rejects after `ms` with `what` in the message. */
export async function eventually(what, probe, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
