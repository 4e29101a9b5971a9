/** The technician's status moves along the life cycle (server/workorders/lifecycle.py), and the
 * document change each one writes. The device's own time goes with the move so an offline
 * "arrived" keeps the real arrival time; the server checks it for plausibility. */

import { type Changes } from '../../data/outbox';
import { deviceTime } from '../../data/docs';
import type { WorkOrder, WorkOrderStatus } from '../../data/types';

export type ActionId =
  | 'accept'
  | 'agree_time'
  | 'en_route'
  | 'on_site'
  | 'work_done'
  | 'back_to_work'
  | 'cannot_finish'
  | 'next_visit_agreed'
  | 'report_late';

export interface ActionDef {
  id: ActionId;
  /** The form the move needs before it can be written. */
  needs?: 'reason' | 'reason_and_date';
  /** The next step on the main path: shown as the big button. */
  primary?: boolean;
}

const LATE: ActionDef = { id: 'report_late', needs: 'reason' };

const BY_STATUS: Partial<Record<WorkOrderStatus, ActionDef[]>> = {
  dispatched: [{ id: 'accept', primary: true }, LATE],
  // The appointment screen will confirm a real time window; until then the technician marks it.
  accepted: [{ id: 'agree_time', primary: true }, LATE],
  appointment_confirmed: [{ id: 'en_route', primary: true }, LATE],
  en_route: [{ id: 'on_site', primary: true }, LATE],
  on_site: [{ id: 'work_done', primary: true }, { id: 'cannot_finish', needs: 'reason_and_date' }],
  work_done: [{ id: 'back_to_work' }],
  cannot_finish: [{ id: 'next_visit_agreed', primary: true }],
};

export function actionsFor(status: WorkOrderStatus): ActionDef[] {
  return BY_STATUS[status] ?? [];
}

export interface ActionInput {
  reason?: string;
  nextVisitDate?: string;
}

export function changesFor(id: ActionId, order: Pick<WorkOrder, 'status'>, input: ActionInput = {}, now = new Date()): Changes {
  const at = deviceTime(now);
  switch (id) {
    case 'accept':
      return { status: 'accepted', acceptedAt: at };
    case 'agree_time':
    case 'next_visit_agreed':
      return { status: 'appointment_confirmed' };
    case 'en_route':
      return { status: 'en_route' };
    case 'on_site':
      return { status: 'on_site', arrivedAt: at };
    case 'work_done':
      return { status: 'work_done', workDoneAt: at };
    case 'back_to_work':
      // The customer's test failed: the server clears workDoneAt the same way.
      return { status: 'on_site', workDoneAt: null };
    case 'cannot_finish':
      return { status: 'cannot_finish', cannotFinishReason: (input.reason ?? '').trim(), nextVisitDate: input.nextVisitDate ?? null };
    case 'report_late': {
      const late: Changes = { lateReason: (input.reason ?? '').trim(), lateReportedAt: at };
      // On the way: being late sends the visit back to being arranged.
      return order.status === 'en_route' ? { ...late, status: 'appointment_confirmed' } : late;
    }
  }
}

/** What the form must hold before the move may be written; null when it is complete. */
export function missingInput(def: ActionDef, input: ActionInput): 'reason' | 'date' | null {
  if (def.needs && !(input.reason ?? '').trim()) return 'reason';
  if (def.needs === 'reason_and_date' && !input.nextVisitDate) return 'date';
  return null;
}
