/** Every replicated collection the app keeps, in one table. Adding a collection the server
 * replicates is one line here: its name (as in `pull<Name>`), its Dexie indexes, and whether the
 * device pushes to it. The Dexie schema, the pull loop, the stream subscriptions and the first-sync
 * progress are all built from this list.
 *
 * A collection the server does not offer yet (older server, feature not deployed) is skipped at
 * run time, so a line may be added before the server side lands. */

export interface CollectionDef {
  /** The server's collection name, e.g. `workOrders` → `pullWorkOrders`. */
  readonly name: string;
  /** Dexie secondary indexes (comma-separated); the primary key is always `id`. */
  readonly indexes: string;
  /** Whether the server has `push<Name>`; read-only collections are never written locally. */
  readonly writable: boolean;
}

export const COLLECTIONS: readonly CollectionDef[] = [
  { name: 'customers', indexes: 'name', writable: false },
  { name: 'sites', indexes: 'customerId', writable: false },
  // The largest collection (tens of thousands per technician): every index is written once per
  // asset on the first sync, so only those a screen queries (tag lookup, a site's assets).
  { name: 'assets', indexes: 'tagCode, siteId', writable: false },
  { name: 'workOrders', indexes: 'status, assignedToId, scheduledDate, siteId, customerId', writable: true },
  { name: 'workNotes', indexes: 'workOrderId', writable: true },
  { name: 'timeEntries', indexes: 'workOrderId', writable: true },
  { name: 'appointments', indexes: 'workOrderId, technicianId, windowStart', writable: true },
  { name: 'appointmentChanges', indexes: 'appointmentId', writable: true },
  { name: 'standardPhrases', indexes: '', writable: false },
  { name: 'knowledgeEntries', indexes: 'mergedIntoId', writable: false },
  { name: 'ratings', indexes: 'workOrderId', writable: true },
  { name: 'signatures', indexes: 'workOrderId', writable: true },
  { name: 'checklistTemplates', indexes: 'key', writable: false },
  { name: 'checklistRuns', indexes: 'workOrderId', writable: true },
  { name: 'photos', indexes: 'workOrderId, sha256', writable: true },
  { name: 'assetScans', indexes: 'workOrderId, assetId', writable: true },
];

/** `workOrders` → `WorkOrders`, the suffix of the GraphQL field names. */
export function fieldSuffix(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function findCollection(name: string, list: readonly CollectionDef[] = COLLECTIONS): CollectionDef {
  const def = list.find((c) => c.name === name);
  if (!def) throw new Error(`Unknown collection: ${name}`);
  return def;
}
