import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoorstepDb } from '../../src/data/db';
import {
  DexieUrlStorage,
  type PreviousUpload,
  type TusError,
  type TusOptions,
  type TusUpload,
  RECORD_REJECTED,
  fingerprintOf,
  pruneUploaded,
  retryUpload,
  runUploads,
  uploadProgress,
  waitingPhotos,
} from '../../src/data/uploads';
import { MAX_EDGE, fitWithin } from '../../src/features/photos/pipeline';
import { sha256Hex, sha256Script, toHex } from '../../src/data/sha256';
import { removePhoto, storePhoto } from '../../src/features/photos/store';
import { freshDb } from './helpers';

let db: DoorstepDb;
afterEach(() => db?.close());

describe('sha256', () => {
  it('matches Node’s on the padding edge cases and random data', async () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 70_001]) {
      const bytes = new Uint8Array(randomBytes(n));
      const want = createHash('sha256').update(bytes).digest('hex');
      expect(toHex(sha256Script(bytes)), `length ${n}`).toBe(want);
      expect(await sha256Hex(bytes)).toBe(want);
    }
    expect(toHex(sha256Script(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('resizing', () => {
  it('scales the long side down to 2048 px, keeping the aspect ratio', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 2048, height: 1536 });
    expect(fitWithin(3000, 4000)).toEqual({ width: 1536, height: 2048 });
    expect(fitWithin(4032, 1)).toEqual({ width: MAX_EDGE, height: 1 });
  });

  it('never scales up', () => {
    expect(fitWithin(640, 480)).toEqual({ width: 640, height: 480 });
    expect(fitWithin(2048, 2048)).toEqual({ width: 2048, height: 2048 });
  });

  it('refuses an image without a size', () => {
    expect(() => fitWithin(0, 100)).toThrow();
  });
});

describe('URL storage for resumable uploads', () => {
  it('adds, finds by fingerprint and removes', async () => {
    db = freshDb();
    const storage = new DexieUrlStorage(db);
    const upload = (url: string): PreviousUpload => ({ size: 10, metadata: {}, creationTime: new Date().toISOString(), urlStorageKey: '', uploadUrl: url, parallelUploadUrls: null });
    const k1 = await storage.addUpload('photo:a', upload('http://x/uploads/1'));
    await storage.addUpload('photo:b', upload('http://x/uploads/2'));
    const found = await storage.findUploadsByFingerprint('photo:a');
    expect(found.map((u) => [u.uploadUrl, u.urlStorageKey])).toEqual([['http://x/uploads/1', k1]]);
    expect(await storage.findAllUploads()).toHaveLength(2);
    await storage.removeUpload(k1);
    expect(await storage.findUploadsByFingerprint('photo:a')).toEqual([]);
  });
});

// --- photos on the device --------------------------------------------------------------------

const JPEG = (n = 3000): Blob => new Blob([randomBytes(n)], { type: 'image/jpeg' });

async function addPhoto(workOrderId = 'wo1', size = 3000): Promise<string> {
  const blob = JPEG(size);
  const sha256 = createHash('sha256').update(new Uint8Array(await blob.arrayBuffer())).digest('hex');
  const record = await storePhoto(db, { workOrderId, photo: { blob, width: 2048, height: 1536 }, sha256, checklistItem: 'protective_sheet' });
  return record.id;
}

describe('storing a photo', () => {
  it('keeps bytes, record and outbox entry together; the record has only the device’s fields', async () => {
    db = freshDb();
    const id = await addPhoto();
    const row = await db.photoBlobs.get(id);
    expect(row).toMatchObject({ state: 'waiting', contentType: 'image/jpeg', size: 3000, width: 2048 });
    const [entry] = await db.outbox.toArray();
    expect(entry?.collection).toBe('photos');
    expect(entry?.newDocumentState).toMatchObject({ workOrderId: 'wo1', checklistItem: 'protective_sheet', size: 3000, sha256: row?.sha256, caption: '' });
    for (const serverField of ['width', 'height', 'status', 'takenById', 'deviceId']) expect(entry?.newDocumentState).not.toHaveProperty(serverField);
    expect(await waitingPhotos(db)).toBe(1);
  });

  it('stores nothing when the record cannot be queued', async () => {
    db = freshDb();
    db.outbox.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(addPhoto()).rejects.toThrow('disk full');
    expect(await db.photoBlobs.count()).toBe(0);
    expect(await db.docs('photos').count()).toBe(0);
  });

  it('removes a photo the server never saw without a trace', async () => {
    db = freshDb();
    const id = await addPhoto();
    await removePhoto(db, id);
    expect(await db.photoBlobs.count()).toBe(0);
    expect(await db.docs('photos').count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });
});

// --- the upload queue with a fake tus client ------------------------------------------------

type Script = 'ok' | 'drop' | 'expired-then-ok' | { status: number; body?: string };

class FakeTus implements TusUpload {
  static scripts: Script[] = [];
  static made: FakeTus[] = [];
  static created = 0;
  resumedFrom: string | null = null;
  storageKey: string | null = null;
  headers: Record<string, string> = {};
  constructor(
    readonly file: Blob,
    readonly options: TusOptions,
  ) {
    FakeTus.made.push(this);
  }

  async findPreviousUploads(): Promise<PreviousUpload[]> {
    return this.options.urlStorage.findUploadsByFingerprint(await this.options.fingerprint());
  }

  resumeFromPreviousUpload(previous: PreviousUpload): void {
    this.resumedFrom = previous.uploadUrl;
    this.storageKey = previous.urlStorageKey;
  }

  private async request(): Promise<void> {
    await this.options.onBeforeRequest({ setHeader: (k, v) => void (this.headers[k] = v) });
  }

  private fail(status: number, body = ''): TusError {
    const err = new Error(`HTTP ${status}`) as TusError;
    err.originalResponse = status ? { getStatus: () => status, getBody: () => body } : null;
    return err;
  }

  start(): void {
    void (async () => {
      const script = FakeTus.scripts.shift() ?? 'ok';
      await this.request();
      if (!this.resumedFrom) {
        // Creation: like tus-js-client, the new upload's URL is kept for resuming.
        const url = `http://test/uploads/${++FakeTus.created}`;
        this.storageKey = await this.options.urlStorage.addUpload(await this.options.fingerprint(), {
          size: this.file.size,
          metadata: this.options.metadata,
          creationTime: new Date().toISOString(),
          urlStorageKey: '',
          uploadUrl: url,
          parallelUploadUrls: null,
        });
      }
      const total = this.file.size;
      if (script === 'drop') {
        this.options.onProgress(Math.floor(total / 2), total);
        this.options.onError(this.fail(0));
        return;
      }
      if (typeof script === 'object') {
        this.options.onError(this.fail(script.status, script.body));
        return;
      }
      if (script === 'expired-then-ok') {
        expect(this.options.onShouldRetry(this.fail(401), 0)).toBe(true);
        await this.request();
      }
      this.options.onProgress(total, total);
      if (this.options.removeFingerprintOnSuccess && this.storageKey) await this.options.urlStorage.removeUpload(this.storageKey);
      this.options.onSuccess();
    })();
  }
}

function deps(tokens: string[] = ['t1']) {
  let i = 0;
  const refreshed: (string | null)[] = [];
  return {
    refreshed,
    makeUpload: (file: Blob, options: TusOptions) => new FakeTus(file, options),
    token: async () => tokens[Math.min(i, tokens.length - 1)] ?? null,
    refresh: async (failed: string | null) => {
      refreshed.push(failed);
      i += 1;
      return tokens[i] ?? 'fresh';
    },
  };
}

function reset(scripts: Script[]): void {
  FakeTus.scripts = scripts;
  FakeTus.made = [];
}

describe('the upload queue', () => {
  it('uploads with the token and the metadata the server checks, and marks the photo uploaded', async () => {
    db = freshDb();
    const id = await addPhoto();
    reset(['ok']);
    const result = await runUploads(db, deps());
    expect(result).toEqual({ uploaded: 1, attention: 0, stopped: null });
    const [upload] = FakeTus.made;
    expect(upload?.headers.Authorization).toBe('Bearer t1');
    const row = await db.photoBlobs.get(id);
    expect(upload?.options.metadata).toEqual({ filename: `${id}.jpg`, filetype: 'image/jpeg', photoId: id, sha256: row?.sha256 });
    expect(await upload?.options.fingerprint()).toBe(fingerprintOf(id));
    expect(row?.state).toBe('uploaded');
    expect(row?.uploadedAt).toBeTruthy();
    expect(await waitingPhotos(db)).toBe(0);
    expect(await db.uploadUrls.count()).toBe(0);
    expect(uploadProgress.value).toMatchObject({ running: false, done: 1, total: 1 });
  });

  it('resumes an interrupted upload from the stored URL', async () => {
    db = freshDb();
    const id = await addPhoto();
    reset(['drop']);
    const first = await runUploads(db, deps());
    expect(first.stopped).toBe('NETWORK');
    expect((await db.photoBlobs.get(id))?.state).toBe('waiting');
    const stored = await db.uploadUrls.toArray();
    expect(stored).toHaveLength(1);
    reset(['ok']);
    await runUploads(db, deps());
    expect(FakeTus.made[0]?.resumedFrom).toBe(stored[0]?.upload.uploadUrl);
    expect((await db.photoBlobs.get(id))?.state).toBe('uploaded');
    expect(await db.uploadUrls.count()).toBe(0);
  });

  it('stops at a network failure and leaves the rest waiting', async () => {
    db = freshDb();
    await addPhoto();
    await addPhoto();
    reset(['drop']);
    const result = await runUploads(db, deps());
    expect(FakeTus.made).toHaveLength(1);
    expect(result.stopped).toBe('NETWORK');
    expect(await db.photoBlobs.where('state').equals('waiting').count()).toBe(2);
  });

  it('puts refused files (415, 413) in attention and goes on with the next', async () => {
    db = freshDb();
    const a = await addPhoto();
    const b = await addPhoto();
    const c = await addPhoto();
    reset([
      { status: 415, body: JSON.stringify({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The file is not a JPEG, PNG, WebP or HEIC image.' }) },
      { status: 413 },
      'ok',
    ]);
    const result = await runUploads(db, deps());
    expect(result).toEqual({ uploaded: 1, attention: 2, stopped: null });
    expect(await db.photoBlobs.get(a)).toMatchObject({ state: 'attention', code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await db.photoBlobs.get(b)).toMatchObject({ state: 'attention', code: 'HTTP_413' });
    expect((await db.photoBlobs.get(c))?.state).toBe('uploaded');
    expect(await waitingPhotos(db)).toBe(2);
    // Not tried again by itself; the technician's "try again" puts it back in the queue.
    reset(['ok']);
    await runUploads(db, deps());
    expect(FakeTus.made).toHaveLength(0);
    await retryUpload(db, b);
    await runUploads(db, deps());
    expect((await db.photoBlobs.get(b))?.state).toBe('uploaded');
  });

  it('refreshes an expired token once and carries on', async () => {
    db = freshDb();
    const id = await addPhoto();
    reset(['expired-then-ok']);
    const d = deps(['old', 'new']);
    await runUploads(db, d);
    expect(d.refreshed).toEqual(['old']);
    expect(FakeTus.made[0]?.headers.Authorization).toBe('Bearer new');
    expect((await db.photoBlobs.get(id))?.state).toBe('uploaded');
  });

  it('holds back the bytes of a photo whose record was refused, until it is retried', async () => {
    db = freshDb();
    const id = await addPhoto();
    await db.outbox.toCollection().modify({ state: 'needs_attention', code: 'NOT_IN_SCOPE', reason: 'That work order is not assigned to you.' });
    reset(['ok']);
    await runUploads(db, deps());
    expect(FakeTus.made).toHaveLength(0);
    expect(await db.photoBlobs.get(id)).toMatchObject({ state: 'attention', code: RECORD_REJECTED, reason: 'That work order is not assigned to you.' });
    await db.outbox.toCollection().modify({ state: 'pending', code: '', reason: '' });
    await runUploads(db, deps());
    expect((await db.photoBlobs.get(id))?.state).toBe('uploaded');
  });

  it('drops bytes whose record is gone from the device', async () => {
    db = freshDb();
    const id = await addPhoto();
    await db.outbox.clear();
    await db.docs('photos').clear();
    reset(['ok']);
    await runUploads(db, deps());
    expect(FakeTus.made).toHaveLength(0);
    expect(await db.photoBlobs.get(id)).toBeUndefined();
  });

  it('frees the space of photos uploaded long ago', async () => {
    db = freshDb();
    const id = await addPhoto();
    await db.photoBlobs.update(id, { state: 'uploaded', uploadedAt: '2026-01-01T00:00:00.000Z' });
    const fresh = await addPhoto();
    await db.photoBlobs.update(fresh, { state: 'uploaded', uploadedAt: new Date().toISOString() });
    expect(await pruneUploaded(db)).toBe(1);
    expect(await db.photoBlobs.get(fresh)).toBeDefined();
  });
});

describe('an existing device database', () => {
  it('gains the photo tables without losing its data', async () => {
    const name = `upgrade-${Math.random().toString(36).slice(2)}`;
    const { default: Dexie } = await import('dexie');
    const old = new Dexie(name);
    old.version(1).stores({ outbox: '++seq, docKey, state, collection', masters: 'key', checkpoints: 'collection', meta: 'key', workOrders: 'id, status' });
    await old.table('meta').put({ key: 'lastSyncAt', value: 'x' });
    old.close();
    db = freshDb(name);
    expect(await db.getMeta('lastSyncAt')).toBe('x');
    await db.photoBlobs.put({ id: 'p', workOrderId: 'wo1', blob: JPEG(10), sha256: 'a', contentType: 'image/jpeg', size: 10, width: 1, height: 1, state: 'waiting', code: '', reason: '', createdAt: '', uploadedAt: null });
    expect(await waitingPhotos(db)).toBe(1);
  });
});
