/** The board's GraphQL: one query for the day, the desk's mutations. These screens are online
 * only (a desk at the office), so they talk to the API directly instead of the sync tables. */

import type { Api } from '../../data/api';
import type { Json } from '../../data/docs';

export interface SlaState {
  tierCode: string;
  respondBy: string;
  resolveBy: string;
  /** Business time left as of the board's `asOf`; negative once breached. */
  respondLeftSeconds: number;
  resolveLeftSeconds: number;
  respondBreached: boolean;
  resolveBreached: boolean;
  respondedAt: string | null;
  resolvedAt: string | null;
  pausedNow: boolean;
}

export interface DeskTimer {
  /** dispatch | redispatch | escalation */
  name: string;
  dueAt: string;
  metAt: string | null;
  breached: boolean;
  leftSeconds: number;
}

export interface BoardAppointment {
  id: string;
  windowStart: string;
  windowEnd: string;
  /** proposed | confirmed */
  status: string;
  confirmedWithCustomer: boolean;
}

export interface BoardFlags {
  respondBreached: boolean;
  resolveBreached: boolean;
  sealBroken: boolean;
  lateReported: boolean;
  escalationPending: boolean;
  deskTimerBreached: boolean;
}

export interface BoardOrder {
  id: string;
  number: string;
  /** Upper case, as the API spells the enum (RECEIVED, ON_SITE…). */
  status: string;
  faultLevel: number;
  slaTier: string;
  symptom: string;
  scheduledDate: string | null;
  receivedAt: string;
  assignedToId: string | null;
  lateReason: string;
  escalationNote: string;
  customer: { id: string; name: string; phone: string };
  site: { id: string; name: string; address: string; timezone: string };
}

export interface BoardCard {
  workOrder: BoardOrder;
  sla: SlaState;
  deskTimers: DeskTimer[];
  appointments: BoardAppointment[];
  flags: BoardFlags;
}

export interface Technician {
  id: string;
  username: string;
  displayName: string;
  territory: string;
  skills: string[];
}

export interface BoardLaneData {
  technician: Technician;
  cards: BoardCard[];
}

export interface BoardData {
  date: string;
  timezone: string;
  asOf: string;
  unassigned: BoardCard[];
  lanes: BoardLaneData[];
}

const CARD = `workOrder { id number status faultLevel slaTier symptom scheduledDate receivedAt assignedToId lateReason escalationNote
    customer { id name phone } site { id name address timezone } }
  sla { tierCode respondBy resolveBy respondLeftSeconds resolveLeftSeconds respondBreached resolveBreached respondedAt resolvedAt pausedNow }
  deskTimers { name dueAt metAt breached leftSeconds }
  appointments { id windowStart windowEnd status confirmedWithCustomer }
  flags { respondBreached resolveBreached sealBroken lateReported escalationPending deskTimerBreached }`;

export const BOARD_QUERY = `query($d: Date!, $tz: String) { board(date: $d, timezone: $tz) {
  date timezone asOf
  unassigned { ${CARD} }
  lanes { technician { id username displayName territory skills } cards { ${CARD} } }
} }`;

export async function fetchBoard(api: Api, date: string, timezone: string): Promise<BoardData> {
  const data = await api.request<{ board: BoardData }>(BOARD_QUERY, { d: date, tz: timezone });
  return data.board;
}

const ASSIGN = `mutation($id: ID!, $t: ID!, $d: Date) { assignWorkOrder(id: $id, technicianId: $t, scheduledDate: $d) { id status assignedToId } }`;

/** Dispatch or reassign; the date puts the order on that day's lane. */
export async function assignOrder(api: Api, id: string, technicianId: string, scheduledDate: string | null): Promise<void> {
  await api.request(ASSIGN, { id, t: technicianId, d: scheduledDate });
}

export interface ClashInfo {
  id: string;
  workOrderId: string;
  windowStart: string;
  windowEnd: string;
}

const PAYLOAD = 'appointment { id windowStart windowEnd status } clashes { id workOrderId windowStart windowEnd }';
const RESCHEDULE = `mutation($id: ID!, $s: DateTime!, $e: DateTime!, $r: String!, $by: AppointmentInitiator!, $c: ID) {
  rescheduleAppointment(id: $id, windowStart: $s, windowEnd: $e, reason: $r, initiatedBy: $by, changeId: $c) { ${PAYLOAD} } }`;
const PROPOSE = `mutation($w: ID!, $s: DateTime!, $e: DateTime!, $n: String!, $id: ID) {
  proposeAppointment(workOrderId: $w, windowStart: $s, windowEnd: $e, note: $n, id: $id) { ${PAYLOAD} } }`;

export type Initiator = 'DESK' | 'CUSTOMER' | 'TECHNICIAN';

export interface WindowChange {
  /** The appointment to move; null proposes a first one. */
  appointmentId: string | null;
  workOrderId: string;
  windowStart: string;
  windowEnd: string;
  reason: string;
  initiatedBy: Initiator;
  /** Client-made id, so that a resent request is applied once. */
  requestId: string;
}

/** The mutation and variables for a new visit time: move the existing window or propose one. */
export function windowMutation(change: WindowChange): { query: string; field: string; variables: Record<string, Json> } {
  if (change.appointmentId) {
    return {
      query: RESCHEDULE,
      field: 'rescheduleAppointment',
      variables: {
        id: change.appointmentId,
        s: change.windowStart,
        e: change.windowEnd,
        r: change.reason.trim(),
        by: change.initiatedBy,
        c: change.requestId,
      },
    };
  }
  return {
    query: PROPOSE,
    field: 'proposeAppointment',
    variables: { w: change.workOrderId, s: change.windowStart, e: change.windowEnd, n: change.reason.trim(), id: change.requestId },
  };
}

/** Returns the technician's other appointments overlapping the new window. */
export async function changeWindow(api: Api, change: WindowChange): Promise<ClashInfo[]> {
  const m = windowMutation(change);
  const data = await api.request<Record<string, { clashes: ClashInfo[] }>>(m.query, m.variables);
  return data[m.field]?.clashes ?? [];
}

export interface Tier {
  code: string;
  nameEn: string;
  nameZh: string;
}

const TIERS = '{ slaPolicies(first: 50) { nodes { code nameEn nameZh active } } }';

/** The active SLA tiers; the contract's three when the list cannot be read. */
export async function fetchTiers(api: Api): Promise<Tier[]> {
  try {
    const data = await api.request<{ slaPolicies: { nodes: (Tier & { active: boolean })[] } }>(TIERS);
    const tiers = data.slaPolicies.nodes.filter((p) => p.active);
    if (tiers.length) return tiers;
  } catch {
    // The form still works with the contract's tiers.
  }
  return [
    { code: 'standard', nameEn: 'Standard', nameZh: '标准' },
    { code: 'advanced', nameEn: 'Advanced', nameZh: '高级' },
    { code: 'vip', nameEn: 'VIP', nameZh: 'VIP' },
  ];
}
