/** Keeping a photo on the device: its bytes in `photoBlobs`, its record in `photos` with an
 * outbox entry, all in one transaction, so there is never a record without bytes or bytes
 * without a record. The record carries only what the device knows; the server fills in the
 * fields it owns (who took it, from which device, width and height once the bytes arrive). */

import type { DoorstepDb } from '../../data/db';
import { docKey } from '../../data/db';
import { type Doc, deviceTime, uuid } from '../../data/docs';
import { create, discard, edit, outstanding } from '../../data/outbox';
import { type PhotoBlobRow, fingerprintOf } from '../../data/uploads';
import { type EncodedPhoto, PHOTO_TYPE, type Position, encodePhoto, positionIfAllowed } from './pipeline';
import { sha256Hex } from '../../data/sha256';

export interface PhotoRecord extends Doc {
  workOrderId: string;
  checklistItem: string;
  caption: string;
  takenAt: string | null;
  sha256: string;
  contentType: string;
  size: number;
  width?: number | null;
  height?: number | null;
  status?: string | null;
}

export interface NewPhoto {
  workOrderId: string;
  checklistItem?: string;
  caption?: string;
}

export interface StoreInput extends NewPhoto {
  photo: EncodedPhoto;
  sha256: string;
  takenAt?: Date;
  position?: Position | null;
}

/** Store an already encoded photo; returns its record. */
export async function storePhoto(db: DoorstepDb, input: StoreInput): Promise<PhotoRecord> {
  const id = uuid();
  const now = input.takenAt ?? new Date();
  const { photo, position } = input;
  const row: PhotoBlobRow = {
    id,
    workOrderId: input.workOrderId,
    blob: photo.blob,
    sha256: input.sha256,
    contentType: photo.blob.type || PHOTO_TYPE,
    size: photo.blob.size,
    width: photo.width,
    height: photo.height,
    state: 'waiting',
    code: '',
    reason: '',
    createdAt: now.toISOString(),
    uploadedAt: null,
  };
  const fields = {
    workOrderId: input.workOrderId,
    checklistItem: input.checklistItem ?? '',
    caption: (input.caption ?? '').trim(),
    takenAt: deviceTime(now),
    sha256: input.sha256,
    contentType: row.contentType,
    size: row.size,
    latitude: position?.latitude ?? null,
    longitude: position?.longitude ?? null,
    accuracy: position?.accuracy ?? null,
  };
  let record: Doc | null = null;
  await db.transaction('rw', [db.photoBlobs, db.docs('photos'), db.outbox, db.masters], async () => {
    await db.photoBlobs.add(row);
    record = await create(db, 'photos', fields, id);
  });
  return record as unknown as PhotoRecord;
}

/** From the camera or the gallery to a stored photo: re-encode, hash, locate, store. */
export async function takePhoto(db: DoorstepDb, file: Blob, what: NewPhoto): Promise<PhotoRecord> {
  const [photo, position] = await Promise.all([encodePhoto(file), positionIfAllowed()]);
  const sha256 = await sha256Hex(await photo.blob.arrayBuffer());
  return storePhoto(db, { ...what, photo, sha256, position });
}

/** Remove a photo: a record the server never saw is simply dropped with its bytes; otherwise
 * the record is deleted through the outbox (the server keeps a tombstone for every replica). */
export async function removePhoto(db: DoorstepDb, id: string): Promise<void> {
  const entries = await outstanding(db, 'photos', id);
  const master = await db.masters.get(docKey('photos', id));
  const neverSent = master !== undefined && master.doc === null && entries.every((e) => e.attempts === 0 && e.state === 'pending');
  if (neverSent && entries.length > 0) {
    for (const e of entries) await discard(db, e.seq as number);
  } else if (await db.docs('photos').get(id)) {
    await edit(db, 'photos', id, { deleted: true });
  }
  await db.photoBlobs.delete(id);
  await db.uploadUrls.where('fingerprint').equals(fingerprintOf(id)).delete();
}
