/** A simple client-side SLA countdown. The work order document carries no SLA fields, so this
 * uses wall-clock time: receivedAt + the tier's resolve target, extended by the time spent on
 * hold. The server's figure (business hours, holidays) can differ; the screen labels this one
 * as an estimate. */

import type { WorkOrder } from '../../data/types';

/** Resolve targets per tier (DOMAIN.md): standard 4 h, advanced 4 h, VIP 2 h. */
export const RESOLVE_HOURS: Readonly<Record<string, number>> = { standard: 4, advanced: 4, vip: 2 };

export interface SlaEstimate {
  dueAt: number;
  /** Negative once overdue. */
  leftMs: number;
  /** The clock is stopped (the order is on hold). */
  paused: boolean;
}

export function slaEstimate(order: Pick<WorkOrder, 'receivedAt' | 'slaTier' | 'pauses' | 'status'>, now: number): SlaEstimate | null {
  const hours = RESOLVE_HOURS[(order.slaTier || 'standard').toLowerCase()];
  const received = Date.parse(order.receivedAt);
  if (hours === undefined || Number.isNaN(received)) return null;
  let paused = 0;
  let open = false;
  for (const p of order.pauses ?? []) {
    const start = Date.parse(p.start);
    const end = p.end ? Date.parse(p.end) : now;
    if (!p.end) open = true;
    if (!Number.isNaN(start) && end > start) paused += end - start;
  }
  const dueAt = received + hours * 3_600_000 + paused;
  return { dueAt, leftMs: dueAt - now, paused: open || order.status === 'on_hold' };
}

/** Statuses where the resolve clock no longer matters to the technician. */
export function slaRunning(status: string): boolean {
  return !['work_done', 'customer_signed', 'called_back', 'closed', 'cancelled'].includes(status);
}
