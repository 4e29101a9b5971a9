/** Typed views of the replicated documents the screens read (fields per sync-protocol.md). */

import type { Doc } from './docs';

export type WorkOrderStatus =
  | 'received'
  | 'dispatched'
  | 'accepted'
  | 'appointment_confirmed'
  | 'en_route'
  | 'on_site'
  | 'work_done'
  | 'customer_signed'
  | 'called_back'
  | 'closed'
  | 'on_hold'
  | 'cannot_finish'
  | 'cancelled';

export type PartUsed = { name: string; part_no: string; quantity: number };
export type Pause = { start: string; end: string | null; reason: string };

export interface WorkOrder extends Doc {
  number: string;
  customerId: string;
  siteId: string;
  symptom: string;
  faultLevel: number;
  slaTier: string;
  status: WorkOrderStatus;
  assignedToId: string | null;
  scheduledDate: string | null;
  receivedAt: string;
  acceptedAt: string | null;
  arrivedAt: string | null;
  workDoneAt: string | null;
  lateReportedAt: string | null;
  lateReason: string;
  cannotFinishReason: string;
  nextVisitDate: string | null;
  progressNote: string;
  resolution: string;
  partsUsed: PartUsed[];
  pauses: Pause[];
}

export interface Customer extends Doc {
  name: string;
  kind: string;
  phone: string;
  altPhone: string;
  language: string;
  slaTier: string;
  notes: string;
}

export interface Site extends Doc {
  customerId: string;
  name: string;
  address: string;
  city: string;
  timezone: string;
  accessNotes: string;
  parkingNotes: string;
  contactName: string;
  contactPhone: string;
}

export interface Asset extends Doc {
  tagCode: string;
  name: string;
  category: string;
  customerId: string;
  siteId: string;
  serialNo: string;
  systemSerial: string;
  contractNo: string;
  warrantyEnd: string | null;
  ipAddress: string;
  supplier: string;
  contactName: string;
  contactPhone: string;
  responsiblePerson: string;
  sealState: 'none' | 'intact' | 'broken';
  notes: string;
}

/** Appointments replicate once the server offers the collection; until then Today falls back
 * to the scheduled date. */
export interface Appointment extends Doc {
  workOrderId: string;
  technicianId: string | null;
  windowStart: string;
  windowEnd: string;
  status: string;
}

/** Orders the technician still has to work on (the rest is the desk's). */
export const OPEN_FOR_TECHNICIAN: ReadonlySet<WorkOrderStatus> = new Set([
  'dispatched',
  'accepted',
  'appointment_confirmed',
  'en_route',
  'on_site',
  'work_done',
  'cannot_finish',
  'on_hold',
]);
