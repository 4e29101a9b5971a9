/** Photo bytes go to the server apart from their records: the record syncs through the outbox,
 * the bytes through a resumable tus upload to /uploads/ once the phone is online. The tus client
 * is injected (`makeUpload`), so this queue runs in tests with a fake and the library loads only
 * when an upload starts. Interrupted uploads resume from the URL kept in IndexedDB. */

import { signal } from '@preact/signals';
import type { DoorstepDb } from './db';
import { docKey } from './db';
import { uuid } from './docs';
import { withLock } from './locks';

export type BlobState = 'waiting' | 'uploading' | 'uploaded' | 'attention';

export interface PhotoBlobRow {
  /** The photo record's id. */
  id: string;
  workOrderId: string;
  blob: Blob;
  sha256: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
  state: BlobState;
  /** Why the upload needs attention: HTTP_415, QUOTA_EXCEEDED, RECORD_REJECTED… */
  code: string;
  reason: string;
  createdAt: string;
  uploadedAt: string | null;
}

/** What tus-js-client keeps about an upload it may resume (its `PreviousUpload`). */
export interface PreviousUpload {
  size: number | null;
  metadata: Record<string, string>;
  creationTime: string;
  urlStorageKey: string;
  uploadUrl: string | null;
  parallelUploadUrls: string[] | null;
}

export interface UploadUrlRow {
  key: string;
  fingerprint: string;
  upload: PreviousUpload;
}

/** tus-js-client's `urlStorage` over a Dexie table: localStorage would do too, but IndexedDB is
 * where the bytes are, and it is shared with a service worker and survives like the photos. */
export class DexieUrlStorage {
  constructor(private readonly db: DoorstepDb) {}

  async findAllUploads(): Promise<PreviousUpload[]> {
    return (await this.db.uploadUrls.toArray()).map((r) => r.upload);
  }

  async findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    return (await this.db.uploadUrls.where('fingerprint').equals(fingerprint).toArray()).map((r) => r.upload);
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    await this.db.uploadUrls.delete(urlStorageKey);
  }

  async addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const key = `tus::${fingerprint}::${uuid()}`;
    await this.db.uploadUrls.put({ key, fingerprint, upload: { ...upload, urlStorageKey: key } });
    return key;
  }
}

/** A Blob read back from IndexedDB has no name or date, so the photo id identifies the upload. */
export function fingerprintOf(photoId: string): string {
  return `photo:${photoId}`;
}

// --- the parts of tus-js-client this queue uses ------------------------------------------------

export interface TusRequest {
  setHeader(name: string, value: string): void;
}

export interface TusResponse {
  getStatus(): number;
  getBody(): string;
}

export interface TusError extends Error {
  originalResponse?: TusResponse | null;
}

export interface TusOptions {
  endpoint: string;
  metadata: Record<string, string>;
  fingerprint: () => Promise<string>;
  urlStorage: DexieUrlStorage;
  storeFingerprintForResuming: boolean;
  removeFingerprintOnSuccess: boolean;
  retryDelays: number[];
  chunkSize: number;
  onBeforeRequest: (req: TusRequest) => Promise<void>;
  onShouldRetry: (err: TusError, attempt: number) => boolean;
  onProgress: (sent: number, total: number) => void;
  onSuccess: () => void;
  onError: (err: TusError) => void;
}

export interface TusUpload {
  start(): void;
  findPreviousUploads(): Promise<PreviousUpload[]>;
  resumeFromPreviousUpload(previous: PreviousUpload): void;
}

export type MakeUpload = (file: Blob, options: TusOptions) => TusUpload;

export interface UploadDeps {
  makeUpload: MakeUpload;
  /** The current access token (refreshed first when about to expire). */
  token: () => Promise<string | null>;
  /** A new access token after `failed` was refused. */
  refresh: (failed: string | null) => Promise<string>;
  endpoint?: string;
  retryDelays?: number[];
}

// --- progress, for the uploads panel ---------------------------------------------------------

export interface UploadProgress {
  running: boolean;
  /** Bytes sent of each photo uploading in this run. */
  perPhoto: Record<string, { sent: number; total: number }>;
  /** Photos finished in this run, and photos this run set out to send. */
  done: number;
  total: number;
}

export const uploadProgress = signal<UploadProgress>({ running: false, perPhoto: {}, done: 0, total: 0 });

function patchProgress(p: Partial<UploadProgress>): void {
  uploadProgress.value = { ...uploadProgress.value, ...p };
}

// --- one upload -------------------------------------------------------------------------------

export type UploadOutcome = { kind: 'uploaded' } | { kind: 'attention'; code: string; reason: string } | { kind: 'retry'; code: string };

/** Refusals that the same bytes will get again: the technician has to look at them. Any other
 * failure (offline, 5xx, 409 offset, 423 busy, 429) is tried again later. */
function isFinal(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 408, 409, 423, 429].includes(status);
}

function describe(err: TusError): { status: number; code: string; reason: string } {
  const res = err.originalResponse;
  const status = res ? res.getStatus() : 0;
  let code = status ? `HTTP_${status}` : 'NETWORK';
  let reason = err.message;
  try {
    const body = JSON.parse(res?.getBody() ?? '') as { code?: string; message?: string };
    if (body.code) code = body.code;
    if (body.message) reason = body.message;
  } catch {
    // Not our server's JSON (a proxy page, no body): the status says enough.
  }
  return { status, code, reason };
}

export function uploadOne(db: DoorstepDb, row: PhotoBlobRow, deps: UploadDeps): Promise<UploadOutcome> {
  let token: string | null = null;
  let refreshing: Promise<unknown> | null = null;
  let refreshed = false;
  return new Promise<UploadOutcome>((resolve) => {
    const options: TusOptions = {
      endpoint: deps.endpoint ?? '/uploads/',
      // tus-js-client has no checksum of its own: the server checks the whole file's sha256.
      metadata: { filename: `${row.id}.jpg`, filetype: row.contentType, photoId: row.id, sha256: row.sha256 },
      fingerprint: async () => fingerprintOf(row.id),
      urlStorage: new DexieUrlStorage(db),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      retryDelays: deps.retryDelays ?? [0, 3_000, 10_000],
      // Small enough that a dropped connection on a weak signal loses little.
      chunkSize: 512 * 1024,
      onBeforeRequest: async (req) => {
        if (refreshing) await refreshing.catch(() => undefined);
        token = await deps.token();
        if (token) req.setHeader('Authorization', `Bearer ${token}`);
      },
      onShouldRetry: (err) => {
        const { status } = describe(err);
        if (status === 401 && !refreshed) {
          // The token expired during the upload: refresh once, the retry waits for it.
          refreshed = true;
          refreshing = deps.refresh(token);
          return true;
        }
        return !isFinal(status) && status !== 401;
      },
      onProgress: (sent, total) => {
        const perPhoto = { ...uploadProgress.value.perPhoto, [row.id]: { sent, total } };
        patchProgress({ perPhoto });
      },
      onSuccess: () => resolve({ kind: 'uploaded' }),
      onError: (err) => {
        const { status, code, reason } = describe(err);
        resolve(isFinal(status) ? { kind: 'attention', code, reason } : { kind: 'retry', code });
      },
    };
    const upload = deps.makeUpload(row.blob, options);
    upload
      .findPreviousUploads()
      .then((previous) => {
        const last = previous.filter((p) => p.uploadUrl).sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
        if (last) upload.resumeFromPreviousUpload(last);
        upload.start();
      })
      .catch((err: unknown) => resolve({ kind: 'retry', code: err instanceof Error ? err.message : 'STORAGE' }));
  });
}

// --- the queue ------------------------------------------------------------------------------

export const UPLOAD_LOCK = 'doorstep-uploads';
export const RECORD_REJECTED = 'RECORD_REJECTED';

export interface UploadRunResult {
  uploaded: number;
  attention: number;
  /** Set when the run stopped early (offline, server trouble); the rest waits. */
  stopped: string | null;
}

/** Whether the photo's record is held back: its change was refused by the server. */
async function recordRefused(db: DoorstepDb, id: string): Promise<{ code: string; reason: string } | null> {
  const entries = await db.outbox.where('docKey').equals(docKey('photos', id)).toArray();
  const refused = entries.find((e) => e.state === 'needs_attention');
  return refused ? { code: refused.code, reason: refused.reason } : null;
}

/** A blob whose record is gone from the device (discarded, or another user signed in). */
async function orphaned(db: DoorstepDb, id: string): Promise<boolean> {
  if (db.hasTable('photos') && (await db.docs('photos').get(id))) return false;
  return (await db.outbox.where('docKey').equals(docKey('photos', id)).count()) === 0;
}

async function setBlob(db: DoorstepDb, id: string, patch: Partial<PhotoBlobRow>): Promise<void> {
  await db.photoBlobs.update(id, patch);
}

/** Bring the queue up to date: records refused → attention, fixed → waiting again; bytes of
 * records no longer here are dropped. */
async function review(db: DoorstepDb): Promise<void> {
  // Left "uploading" by a tab that died: nobody holds the lock, so they are ours to resume.
  await db.photoBlobs.where('state').equals('uploading').modify({ state: 'waiting' });
  const rows = await db.photoBlobs.where('state').anyOf('waiting', 'attention').toArray();
  for (const row of rows) {
    if (await orphaned(db, row.id)) {
      await db.photoBlobs.delete(row.id);
      await db.uploadUrls.where('fingerprint').equals(fingerprintOf(row.id)).delete();
      continue;
    }
    const refused = await recordRefused(db, row.id);
    if (refused && row.state === 'waiting') {
      await setBlob(db, row.id, { state: 'attention', code: RECORD_REJECTED, reason: refused.reason || refused.code });
    } else if (!refused && row.state === 'attention' && row.code === RECORD_REJECTED) {
      await setBlob(db, row.id, { state: 'waiting', code: '', reason: '' });
    }
  }
}

/** Send every waiting photo, oldest first, one at a time (a cheap phone on a weak signal does
 * better with one upload than with several competing). One run at a time across tabs. */
export function runUploads(db: DoorstepDb, deps: UploadDeps): Promise<UploadRunResult> {
  return withLock(UPLOAD_LOCK, async () => {
    await review(db);
    const queue = (await db.photoBlobs.where('state').equals('waiting').toArray()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const result: UploadRunResult = { uploaded: 0, attention: 0, stopped: null };
    if (queue.length === 0) return result;
    patchProgress({ running: true, perPhoto: {}, done: 0, total: queue.length });
    try {
      for (const row of queue) {
        await setBlob(db, row.id, { state: 'uploading' });
        const outcome = await uploadOne(db, row, deps);
        if (outcome.kind === 'uploaded') {
          await setBlob(db, row.id, { state: 'uploaded', code: '', reason: '', uploadedAt: new Date().toISOString() });
          result.uploaded += 1;
        } else if (outcome.kind === 'attention') {
          await setBlob(db, row.id, { state: 'attention', code: outcome.code, reason: outcome.reason });
          await db.uploadUrls.where('fingerprint').equals(fingerprintOf(row.id)).delete();
          result.attention += 1;
        } else {
          await setBlob(db, row.id, { state: 'waiting' });
          result.stopped = outcome.code;
          break;
        }
        patchProgress({ done: uploadProgress.value.done + 1 });
      }
    } finally {
      patchProgress({ running: false });
    }
    return result;
  });
}

/** The technician asks to try a refused upload again (after freeing space, say). */
export async function retryUpload(db: DoorstepDb, id: string): Promise<void> {
  await db.photoBlobs.where('id').equals(id).and((r) => r.state === 'attention').modify({ state: 'waiting', code: '', reason: '' });
}

/** Photos still to upload (the sync badge's count). */
export function waitingPhotos(db: DoorstepDb): Promise<number> {
  return db.photoBlobs.where('state').anyOf('waiting', 'uploading', 'attention').count();
}

/** Uploaded bytes are kept for the thumbnails a while, then dropped to free the phone's space
 * (the server has them). */
export async function pruneUploaded(db: DoorstepDb, olderThanMs = 14 * 86_400_000, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - olderThanMs).toISOString();
  return db.photoBlobs
    .where('state')
    .equals('uploaded')
    .and((r) => (r.uploadedAt ?? '') < cutoff)
    .delete();
}
