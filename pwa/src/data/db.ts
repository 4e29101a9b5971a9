/** The device's IndexedDB (Dexie 4): one table per replicated collection plus the sync
 * bookkeeping. Built from COLLECTIONS, so a new collection needs no edit here.
 *
 * Dexie 4 upgrades the stores when the declared schema changes, even at the same version number;
 * bump the number for a data migration (an `.upgrade()` function), to delete a table, or to drop
 * an index (as version 2 did), so that devices on the old layout are upgraded on purpose. */

import Dexie, { type Table } from 'dexie';
import { COLLECTIONS, type CollectionDef } from './collections';
import type { Checkpoint, Doc, Json } from './docs';
import type { PhotoBlobRow, UploadUrlRow } from './uploads';

export type OutboxState = 'pending' | 'sending' | 'needs_attention';

export interface OutboxEntry {
  seq?: number;
  collection: string;
  docId: string;
  /** `${collection}/${docId}`: one index finds every outstanding change of a document. */
  docKey: string;
  /** Sent with every attempt of this change, so a resend is applied at most once by the server. */
  mutationId: string;
  assumedMasterState: Doc | null;
  newDocumentState: Doc;
  state: OutboxState;
  /** Why the change needs attention: a server message, or a client reason such as "reassigned". */
  reason: string;
  /** A rejection code (NOT_IN_SCOPE, INVALID_TRANSITION…), or CONFLICT / REASSIGNED / DELETED. */
  code: string;
  /** Times the change was handed to the network; > 0 means it may have reached the server. */
  attempts: number;
  createdAt: string;
}

/** The latest server state of a document that has outstanding local changes; the local row is
 * always this plus the changes, so a discard or a retry knows what the server holds. */
export interface MasterRow {
  key: string;
  /** null for a record created on this device that the server does not hold yet. */
  doc: Doc | null;
  /** The record left this device (revoked or deleted) while changes were outstanding. */
  gone: boolean;
}

export interface CheckpointRow {
  collection: string;
  checkpoint: Checkpoint;
}

export interface MetaRow {
  key: string;
  value: Json;
}

export class DoorstepDb extends Dexie {
  outbox!: Table<OutboxEntry, number>;
  masters!: Table<MasterRow, string>;
  checkpoints!: Table<CheckpointRow, string>;
  meta!: Table<MetaRow, string>;
  /** Photo bytes waiting for (or done with) upload, apart from the replicated records. */
  photoBlobs!: Table<PhotoBlobRow, string>;
  /** tus upload URLs by photo, so an interrupted upload resumes where it stopped. */
  uploadUrls!: Table<UploadUrlRow, string>;
  readonly collections: readonly CollectionDef[];

  constructor(name = 'doorstep', collections: readonly CollectionDef[] = COLLECTIONS) {
    super(name);
    this.collections = collections;
    const stores: Record<string, string> = {
      outbox: '++seq, docKey, state, collection',
      masters: 'key',
      checkpoints: 'collection',
      meta: 'key',
      photoBlobs: 'id, state, workOrderId',
      uploadUrls: 'key, fingerprint',
    };
    for (const c of collections) stores[c.name] = c.indexes ? `id, ${c.indexes}` : 'id';
    // 2: `assets` lost its unused `customerId` index (a cheaper first sync). A device on version 1
    // keeps every store and row; only that index is dropped when it opens this build.
    this.version(2).stores(stores);
  }

  docs(collection: string): Table<Doc, string> {
    return this.table(collection);
  }

  /** The same table, read as the screens' typed view of its documents. */
  typed<T extends Doc>(collection: string): Table<T, string> {
    return this.table(collection) as unknown as Table<T, string>;
  }

  hasTable(name: string): boolean {
    return this.tables.some((t) => t.name === name);
  }

  async getMeta<T extends Json>(key: string): Promise<T | undefined> {
    return (await this.meta.get(key))?.value as T | undefined;
  }

  async setMeta(key: string, value: Json): Promise<void> {
    await this.meta.put({ key, value });
  }
}

export function docKey(collection: string, id: string): string {
  return `${collection}/${id}`;
}

let shared: DoorstepDb | null = null;

/** The app's one database connection. */
export function getDb(): DoorstepDb {
  shared ??= new DoorstepDb();
  return shared;
}
