/** The rules of the appointment screen, kept free of the UI so they can be tested: the window a
 * visit will have once queued reschedules land, clashes with the technician's other visits
 * (server/appointments/service.py `_clashes`: live appointments of his orders overlapping the
 * window), and the documents a proposal, a confirmation and a reschedule write. */

import type { Doc, Json } from '../../data/docs';
import type { Appointment, WorkOrder, WorkOrderStatus } from '../../data/types';

export type Initiator = 'technician' | 'customer';

/** No visit is arranged for an order whose work is finished (the server refuses it). */
export const FINISHED: ReadonlySet<WorkOrderStatus> = new Set(['work_done', 'customer_signed', 'called_back', 'closed', 'cancelled']);
/** Confirming the time moves the order on from these statuses only (CONFIRMS_FROM). */
export const CONFIRMS_FROM: ReadonlySet<WorkOrderStatus> = new Set(['accepted', 'cannot_finish']);
export const MAX_WINDOW_MS = 12 * 3_600_000;

export interface AppointmentDoc extends Appointment {
  customerContact?: string;
  note?: string;
  cancelReason?: string;
}

export interface Window {
  start: string;
  end: string;
}

/** A reschedule queued on this device but not yet on the server: the visit's window to be. */
export interface PendingMove extends Window {
  appointmentId: string;
}

/** The window an appointment will have: its last queued move, else its own. */
export function effectiveWindow(a: Pick<Appointment, 'id' | 'windowStart' | 'windowEnd'>, pending: readonly PendingMove[]): Window {
  const move = pending.filter((p) => p.appointmentId === a.id).at(-1);
  return move ? { start: move.start, end: move.end } : { start: a.windowStart, end: a.windowEnd };
}

/** The appointment that stands for an order: the live one starting last (the server's
 * scheduledDate rule), or undefined when every one was cancelled. */
export function currentAppointment<T extends Appointment>(appointments: readonly T[], workOrderId: string): T | undefined {
  return appointments
    .filter((a) => a.workOrderId === workOrderId && !a.deleted && a.status !== 'cancelled')
    .sort((a, b) => Date.parse(b.windowStart) - Date.parse(a.windowStart))[0];
}

export interface Clash {
  appointment: Appointment;
  order: WorkOrder;
  window: Window;
}

/** The technician's other live visits overlapping `window` (touching ends do not clash). */
export function findClashes(
  window: Window,
  self: Pick<WorkOrder, 'id' | 'assignedToId'>,
  appointments: readonly Appointment[],
  orders: ReadonlyMap<string, WorkOrder>,
  pending: readonly PendingMove[] = [],
): Clash[] {
  const technician = self.assignedToId;
  if (!technician) return [];
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const out: Clash[] = [];
  for (const a of appointments) {
    if (a.deleted || a.status === 'cancelled' || a.workOrderId === self.id) continue;
    const order = orders.get(a.workOrderId);
    // An order handed to someone else no longer takes this technician's time. A visit made on
    // this device has no technician yet; the server gives it the order's.
    if (!order || order.deleted || order.assignedToId !== technician || (a.technicianId ?? technician) !== technician) continue;
    const w = effectiveWindow(a, pending);
    if (Date.parse(w.start) < end && Date.parse(w.end) > start) out.push({ appointment: a, order, window: w });
  }
  return out.sort((x, y) => Date.parse(x.window.start) - Date.parse(y.window.start));
}

export type WindowProblem = 'order' | 'tooLong' | 'same';

/** What the server would refuse about a window; `current` is the window being moved, if any. */
export function windowProblem(window: Window, current?: Window): WindowProblem | null {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return 'order';
  if (end - start > MAX_WINDOW_MS) return 'tooLong';
  if (current && Date.parse(current.start) === start && Date.parse(current.end) === end) return 'same';
  return null;
}

/** A new appointment. Created confirmed when the customer already agreed on the phone. */
export function proposalFields(workOrderId: string, window: Window, note: string, agreedWith?: string): Record<string, Json> {
  const contact = agreedWith?.trim() ?? '';
  return {
    workOrderId,
    windowStart: window.start,
    windowEnd: window.end,
    status: contact ? 'confirmed' : 'proposed',
    customerContact: contact,
    note: note.trim(),
    cancelReason: '',
  };
}

export function confirmChanges(customerContact: string): Record<string, Json> {
  return { status: 'confirmed', customerContact: customerContact.trim() };
}

/** A move of the visit: a new appointmentChanges document, never an edit of the window. */
export function rescheduleFields(appointmentId: string, window: Window, reason: string, initiatedBy: Initiator): Record<string, Json> {
  return { appointmentId, toStart: window.start, toEnd: window.end, reason: reason.trim(), initiatedBy };
}

/** What the server will hold after applying a move: the new window, waiting for confirmation
 * again. A confirmation queued behind the move is based on this, so the server sees the status
 * change from proposed to confirmed (and not "unchanged" against the old confirmed state). */
export function afterMove(master: Doc, window: Window): Doc {
  return {
    ...master,
    windowStart: window.start,
    windowEnd: window.end,
    status: 'proposed',
    confirmedWithCustomer: false,
    confirmedById: null,
    confirmedAt: null,
    customerContact: '',
  };
}

/** 1 to 100 characters once trimmed (server: confirm_appointment). */
export function contactProblem(contact: string): boolean {
  const c = contact.trim();
  return c.length === 0 || [...c].length > 100;
}
