/** Recording what the technician found at an asset (`assetScans`): a record of fact, created
 * once on the device. A broken seal needs a photo of the seal; the server then flags the order
 * for the dispatcher and marks the asset's seal broken. */

import type { DoorstepDb } from '../../data/db';
import { type Doc, deviceTime } from '../../data/docs';
import { create } from '../../data/outbox';

export type SealState = 'intact' | 'broken' | 'none';

export interface AssetScan extends Doc {
  workOrderId: string;
  assetId: string;
  scannedAt: string;
  sealState: SealState;
  photoSha256: string | null;
  mismatch: boolean;
  mismatchNote: string;
  tagCode: string;
}

export interface ScanInput {
  workOrderId: string;
  assetId: string;
  sealState: SealState;
  /** The seal photo's sha256 (the photo itself is a photo record of the order). */
  photoSha256?: string | null;
  mismatch: boolean;
  mismatchNote: string;
  /** The tag as read; empty when the asset was picked from a list (label unreadable). */
  tagCode: string;
  at?: Date;
}

export type ScanProblem = 'photo' | 'note';

/** What the form still lacks, or null when it may be saved. */
export function scanProblem(input: Pick<ScanInput, 'sealState' | 'photoSha256' | 'mismatch' | 'mismatchNote'>): ScanProblem | null {
  if (input.sealState === 'broken' && !input.photoSha256) return 'photo';
  if (input.mismatch && !input.mismatchNote.trim()) return 'note';
  return null;
}

export async function recordScan(db: DoorstepDb, input: ScanInput): Promise<AssetScan> {
  const problem = scanProblem({ ...input, photoSha256: input.photoSha256 ?? null });
  if (problem) throw new Error(`The scan is incomplete: ${problem}`);
  // Only the fields the device owns: the server sets who scanned.
  const doc = await create(db, 'assetScans', {
    workOrderId: input.workOrderId,
    assetId: input.assetId,
    scannedAt: deviceTime(input.at ?? new Date()),
    sealState: input.sealState,
    photoSha256: input.photoSha256 ?? null,
    mismatch: input.mismatch,
    mismatchNote: input.mismatch ? input.mismatchNote.trim() : '',
    tagCode: input.tagCode,
  });
  return doc as AssetScan;
}

export async function scansOf(db: DoorstepDb, workOrderId: string, assetId: string): Promise<AssetScan[]> {
  const list = await db.typed<AssetScan>('assetScans').where('workOrderId').equals(workOrderId).toArray();
  return list.filter((s) => s.assetId === assetId && !s.deleted).sort((a, b) => b.scannedAt.localeCompare(a.scannedAt));
}
