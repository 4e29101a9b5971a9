/** Answering the checklist: the order's run document holds `answers: {itemKey: {value}}`, and
 * every answer is one local edit through the outbox. The run is created on the device with the
 * first answer when the order has none yet (the server starts it on the active template). */

import type { DoorstepDb } from '../../data/db';
import type { Json } from '../../data/docs';
import { create, edit } from '../../data/outbox';
import type { Answer, ChecklistRun } from './template';

export const RUNS = 'checklistRuns';

/** The order's run; the oldest one if two devices started it at once (the server keeps that). */
export async function runOf(db: DoorstepDb, workOrderId: string): Promise<ChecklistRun | undefined> {
  const runs = await db.typed<ChecklistRun>(RUNS).where('workOrderId').equals(workOrderId).toArray();
  return runs.filter((r) => !r.deleted).sort((a, b) => (a.version || Infinity) - (b.version || Infinity))[0];
}

/** Set (or with null, clear) one item's answer. The read of the run and the write of the new
 * answers happen in one transaction, so two quick taps never lose one another. */
export async function setAnswer(db: DoorstepDb, workOrderId: string, itemKey: string, value: Json | null): Promise<ChecklistRun | undefined> {
  const table = db.docs(RUNS);
  return db.transaction('rw', [table, db.outbox, db.masters], async () => {
    const run = await runOf(db, workOrderId);
    if (!run) {
      if (value === null) return undefined;
      // Only the fields the device owns: the server fills templateId, technicianId, completedAt.
      const created = await create(db, RUNS, { workOrderId, answers: { [itemKey]: { value } } });
      return created as ChecklistRun;
    }
    const answers: Record<string, Answer> = { ...(run.answers ?? {}) };
    if (value === null) delete answers[itemKey];
    else answers[itemKey] = { value };
    return (await edit(db, RUNS, run.id, { answers: answers as unknown as Json })) as ChecklistRun;
  });
}

/** Add a photo to a photo item's list (photos taken one after another). */
export async function addPhotoAnswer(db: DoorstepDb, workOrderId: string, itemKey: string, photoId: string): Promise<void> {
  const table = db.docs(RUNS);
  await db.transaction('rw', [table, db.outbox, db.masters], async () => {
    const current = (await runOf(db, workOrderId))?.answers?.[itemKey]?.value;
    const ids = Array.isArray(current) ? current.filter((v): v is string => typeof v === 'string') : [];
    if (!ids.includes(photoId)) await setAnswer(db, workOrderId, itemKey, [...ids, photoId]);
  });
}

/** Take a removed photo out of the item's list (an empty list clears the answer). */
export async function removePhotoAnswer(db: DoorstepDb, workOrderId: string, itemKey: string, photoId: string): Promise<void> {
  const table = db.docs(RUNS);
  await db.transaction('rw', [table, db.outbox, db.masters], async () => {
    const current = (await runOf(db, workOrderId))?.answers?.[itemKey]?.value;
    if (!Array.isArray(current)) return;
    const ids = current.filter((v) => v !== photoId);
    await setAnswer(db, workOrderId, itemKey, ids.length ? ids : null);
  });
}
