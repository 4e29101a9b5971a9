/** Reading and writing appointments on the device. Every write goes through the outbox, so the
 * screen works the same offline; the server applies the same rules when the changes arrive. */

import { type DoorstepDb, type OutboxEntry, docKey } from '../../data/db';
import { type Doc, clone, uuid } from '../../data/docs';
import { create, edit, refreshLocal } from '../../data/outbox';
import type { Customer, Site, WorkOrder } from '../../data/types';
import {
  type AppointmentDoc,
  CONFIRMS_FROM,
  type Initiator,
  type PendingMove,
  type Window,
  afterMove,
  confirmChanges,
  currentAppointment,
  effectiveWindow,
  proposalFields,
  rescheduleFields,
} from './logic';

export interface AppointmentData {
  order: WorkOrder;
  customer: Customer | undefined;
  site: Site | undefined;
  current: AppointmentDoc | undefined;
  /** Every appointment on the device (the clash check looks at his other visits). */
  appointments: AppointmentDoc[];
  orders: Map<string, WorkOrder>;
  pending: PendingMove[];
  /** Moves of the current appointment, oldest first as far as the device can tell. */
  history: Doc[];
  phrases: Doc[];
  /** A confirmation is queued for the window the current appointment will have after its move. */
  confirmedAfterMove: boolean;
}

const LIVE = (e: OutboxEntry): boolean => e.state !== 'needs_attention';

/** Moves made on this device that the appointment does not show yet: queued ones, and ones sent
 * but not yet pulled back (still version 0). Refused moves are left out. */
async function pendingMoves(db: DoorstepDb): Promise<PendingMove[]> {
  if (!db.hasTable('appointmentChanges')) return [];
  const entries = await db.outbox.where('collection').equals('appointmentChanges').sortBy('seq');
  const refused = new Set(entries.filter((e) => !LIVE(e)).map((e) => e.docId));
  const queued = new Set(entries.map((e) => e.docId));
  const local = await db.docs('appointmentChanges').filter((c) => c.version === 0 && !refused.has(c.id)).toArray();
  const toMove = (d: Doc): PendingMove => ({ appointmentId: String(d.appointmentId), start: String(d.toStart), end: String(d.toEnd) });
  // Sent-and-applied first (older), then the queue in order.
  return [
    ...local.filter((c) => !queued.has(c.id)).map(toMove),
    ...entries.filter((e) => LIVE(e) && e.assumedMasterState === null).map((e) => toMove(e.newDocumentState)),
  ];
}

export async function loadAppointment(db: DoorstepDb, id: string): Promise<AppointmentData | undefined> {
  const order = await db.typed<WorkOrder>('workOrders').get(id);
  if (!order) return undefined;
  const [customer, site, appointments, orders, pending, phrases] = await Promise.all([
    db.typed<Customer>('customers').get(order.customerId),
    db.typed<Site>('sites').get(order.siteId),
    db.hasTable('appointments') ? db.typed<AppointmentDoc>('appointments').toArray() : Promise.resolve([]),
    db.typed<WorkOrder>('workOrders').toArray(),
    pendingMoves(db),
    db.hasTable('standardPhrases') ? db.docs('standardPhrases').toArray() : Promise.resolve([]),
  ]);
  const current = currentAppointment(appointments, id);
  const history =
    current && db.hasTable('appointmentChanges') ? await db.docs('appointmentChanges').where('appointmentId').equals(current.id).toArray() : [];
  history.sort((a, b) => (a.version || Number.MAX_SAFE_INTEGER) - (b.version || Number.MAX_SAFE_INTEGER));
  let confirmedAfterMove = false;
  if (current) {
    const target = effectiveWindow(current, pending);
    const entries = await db.outbox.where('docKey').equals(docKey('appointments', current.id)).toArray();
    confirmedAfterMove = entries.some((e) => LIVE(e) && e.newDocumentState.status === 'confirmed' && e.newDocumentState.windowStart === target.start);
  }
  const byId = new Map(orders.map((o) => [o.id, o]));
  return { order, customer, site, current, appointments, orders: byId, pending, history, phrases, confirmedAfterMove };
}

/** The order waits for a visit time: confirming one moves it on here too, as the server will. */
async function markOrderConfirmed(db: DoorstepDb, order: WorkOrder): Promise<void> {
  if (CONFIRMS_FROM.has(order.status)) await edit(db, 'workOrders', order.id, { status: 'appointment_confirmed' });
}

export async function propose(db: DoorstepDb, order: WorkOrder, window: Window, note: string, agreedWith?: string): Promise<Doc> {
  const doc = await create(db, 'appointments', proposalFields(order.id, window, note, agreedWith));
  if (doc.status === 'confirmed') await markOrderConfirmed(db, order);
  return doc;
}

export async function confirm(db: DoorstepDb, order: WorkOrder, appointment: AppointmentDoc, contact: string): Promise<void> {
  await edit(db, 'appointments', appointment.id, confirmChanges(contact));
  await markOrderConfirmed(db, order);
}

/** A proposal this device made and has not handed to the network yet can still be changed in
 * place: the server will only ever see its final form. */
async function unsentCreation(db: DoorstepDb, appointmentId: string): Promise<boolean> {
  const entries = await db.outbox.where('docKey').equals(docKey('appointments', appointmentId)).toArray();
  return entries.length === 1 && entries[0]?.assumedMasterState === null && entries[0].state === 'pending' && entries[0].attempts === 0;
}

/** Queue "the customer agreed" behind a queued move, based on the state the move will leave
 * (proposed, new window). Done by hand because a plain edit would be based on the old confirmed
 * state and the server would see no status change. False when other changes of the appointment
 * are outstanding: then he confirms once the move has synced. */
async function confirmAfterMove(db: DoorstepDb, appointmentId: string, window: Window, contact: string): Promise<boolean> {
  const table = db.docs('appointments');
  const key = docKey('appointments', appointmentId);
  return db.transaction('rw', [table, db.outbox, db.masters], async () => {
    const outstanding = await db.outbox.where('docKey').equals(key).toArray();
    const local = await table.get(appointmentId);
    if (outstanding.length > 0 || !local) return false;
    const base = afterMove(clone(local), window);
    await db.masters.put({ key, doc: clone(local), gone: false });
    await db.outbox.add({
      collection: 'appointments',
      docId: appointmentId,
      docKey: key,
      mutationId: uuid(),
      assumedMasterState: base,
      newDocumentState: { ...base, ...confirmChanges(contact) },
      state: 'pending',
      reason: '',
      code: '',
      attempts: 0,
      createdAt: new Date().toISOString(),
    });
    await refreshLocal(db, 'appointments', appointmentId);
    return true;
  });
}

export interface MoveInput {
  window: Window;
  reason: string;
  initiatedBy: Initiator;
  /** Who agreed to the new time, when the customer agreed on the phone. */
  agreedWith?: string;
}

/** Move the visit. Returns false when the agreement could not be queued with it (see above). */
export async function reschedule(db: DoorstepDb, order: WorkOrder, appointment: AppointmentDoc, input: MoveInput): Promise<boolean> {
  const contact = input.agreedWith?.trim() ?? '';
  if (await unsentCreation(db, appointment.id)) {
    const status = contact ? confirmChanges(contact) : { status: 'proposed', customerContact: '' };
    await edit(db, 'appointments', appointment.id, { windowStart: input.window.start, windowEnd: input.window.end, ...status });
    if (contact) await markOrderConfirmed(db, order);
    return true;
  }
  await create(db, 'appointmentChanges', rescheduleFields(appointment.id, input.window, input.reason, input.initiatedBy));
  if (!contact) return true;
  const queued = await confirmAfterMove(db, appointment.id, input.window, contact);
  if (queued) await markOrderConfirmed(db, order);
  return queued;
}
