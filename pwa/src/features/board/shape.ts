/** The board's data, shaped for the screen: the queue in the order the desk should act on it,
 * lanes with their visits placed on the day's timeline, SLA countdowns as words. Pure functions,
 * so they are tested without a browser. */

import { t } from '../../app/i18n';
import type { BoardAppointment, BoardCard, BoardData, BoardFlags, SlaState, Technician } from './api';
import { dayBounds } from './time';

export type FlagKey = keyof BoardFlags;

/** In the order they are shown: the most pressing first. */
export const FLAG_KEYS: readonly FlagKey[] = [
  'resolveBreached',
  'respondBreached',
  'escalationPending',
  'lateReported',
  'deskTimerBreached',
  'sealBroken',
];

export function activeFlags(flags: BoardFlags): FlagKey[] {
  return FLAG_KEYS.filter((k) => flags[k]);
}

export type ClockState = 'running' | 'soon' | 'breached' | 'met' | 'paused';

export interface Countdown {
  state: ClockState;
  /** Business time left (negative: overdue by), as of the board's answer. */
  seconds: number;
  /** When the clock stops counting: the target time. */
  due: string;
}

/** Under this much time left a clock shows as "soon". */
export const SOON_SECONDS = 30 * 60;

function clock(left: number, breached: boolean, doneAt: string | null, paused: boolean, due: string): Countdown {
  if (doneAt) return { state: breached ? 'breached' : 'met', seconds: left, due };
  if (breached || left < 0) return { state: 'breached', seconds: left, due };
  if (paused) return { state: 'paused', seconds: left, due };
  return { state: left <= SOON_SECONDS ? 'soon' : 'running', seconds: left, due };
}

export function respondClock(sla: SlaState): Countdown {
  return clock(sla.respondLeftSeconds, sla.respondBreached, sla.respondedAt, sla.pausedNow, sla.respondBy);
}

export function resolveClock(sla: SlaState): Countdown {
  return clock(sla.resolveLeftSeconds, sla.resolveBreached, sla.resolvedAt, sla.pausedNow, sla.resolveBy);
}

/** "1 h 05 min" / "45 min" / "< 1 min", without the sign; days past two days. */
export function compactDuration(seconds: number): string {
  const minutes = Math.floor(Math.abs(seconds) / 60);
  if (minutes < 1) return t('board.dur.lt1');
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h >= 48) return t('board.dur.dh', { d: Math.floor(h / 24), h: h % 24 });
  return h > 0 ? t('board.dur.hm', { h, m: String(m).padStart(2, '0') }) : t('board.dur.m', { m });
}

/** The clock that matters now: respond until responded, then resolve. */
export function leadingClock(sla: SlaState): { which: 'respond' | 'resolve'; clock: Countdown } {
  const respond = respondClock(sla);
  if (!sla.respondedAt && respond.state !== 'met') return { which: 'respond', clock: respond };
  return { which: 'resolve', clock: resolveClock(sla) };
}

/** An open desk duty (dispatch within 10 min, re-dispatch, escalation), if any. */
export function openDeskTimer(card: BoardCard): BoardCard['deskTimers'][number] | null {
  const open = card.deskTimers.filter((t) => t.metAt === null);
  open.sort((a, b) => a.leftSeconds - b.leftSeconds);
  return open[0] ?? null;
}

/** Lower is more urgent: breaches, then the least time left on any open clock, then the level. */
export function urgency(card: BoardCard): [number, number, number, number] {
  const flags = activeFlags(card.flags).filter((k) => k !== 'sealBroken').length;
  const lead = leadingClock(card.sla).clock;
  const desk = openDeskTimer(card);
  const left = Math.min(lead.state === 'met' ? Number.POSITIVE_INFINITY : lead.seconds, desk ? desk.leftSeconds : Number.POSITIVE_INFINITY);
  return [flags > 0 ? 0 : 1, Number.isFinite(left) ? left : Number.MAX_SAFE_INTEGER, card.workOrder.faultLevel, Date.parse(card.workOrder.receivedAt)];
}

function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The waiting queue, most urgent first (the server sends it oldest first). */
export function sortQueue(cards: readonly BoardCard[]): BoardCard[] {
  return [...cards].sort((a, b) => compareTuples(urgency(a), urgency(b)) || a.workOrder.number.localeCompare(b.workOrder.number));
}

export interface Range {
  start: number;
  end: number;
}

export interface Block {
  card: BoardCard;
  appointment: BoardAppointment;
  /** Percent of the timeline. */
  left: number;
  width: number;
  /** The window runs past the visible range on that side. */
  clippedStart: boolean;
  clippedEnd: boolean;
}

export interface Lane {
  technician: Technician;
  cards: BoardCard[];
  blocks: Block[];
  /** Orders still to be worked on (not done, signed or closed). */
  open: number;
  flagged: number;
}

export interface ShapedBoard {
  date: string;
  timezone: string;
  asOf: string;
  queue: BoardCard[];
  lanes: Lane[];
  range: Range;
  /** Hour marks on the timeline: instant and percent. */
  hours: { at: number; left: number }[];
}

const FINISHED = new Set(['WORK_DONE', 'CUSTOMER_SIGNED', 'CALLED_BACK', 'CLOSED', 'CANCELLED']);

export function isOpen(status: string): boolean {
  return !FINISHED.has(status.toUpperCase());
}

/** Working hours shown by default; widened to take in any booked window of the day. */
export const DEFAULT_HOURS = { from: 7, to: 21 };
const HOUR = 3_600_000;

export function timelineRange(lanes: readonly { cards: readonly BoardCard[] }[], date: string, tz: string): Range {
  const day = dayBounds(date, tz);
  let start = day.start + DEFAULT_HOURS.from * HOUR;
  let end = day.start + DEFAULT_HOURS.to * HOUR;
  for (const lane of lanes) {
    for (const card of lane.cards) {
      for (const a of card.appointments) {
        const s = Math.max(Date.parse(a.windowStart), day.start);
        const e = Math.min(Date.parse(a.windowEnd), day.end);
        if (e <= s) continue;
        start = Math.min(start, Math.floor((s - day.start) / HOUR) * HOUR + day.start);
        end = Math.max(end, Math.ceil((e - day.start) / HOUR) * HOUR + day.start);
      }
    }
  }
  return { start, end };
}

/** Where a window sits on the timeline; null when it is outside the range. */
export function place(a: { windowStart: string; windowEnd: string }, range: Range): Omit<Block, 'card' | 'appointment'> | null {
  const s = Date.parse(a.windowStart);
  const e = Date.parse(a.windowEnd);
  if (!(e > range.start && s < range.end)) return null;
  const span = range.end - range.start;
  const from = Math.max(s, range.start);
  const to = Math.min(e, range.end);
  return {
    left: ((from - range.start) / span) * 100,
    width: Math.max(((to - from) / span) * 100, 0.5),
    clippedStart: s < range.start,
    clippedEnd: e > range.end,
  };
}

export function shapeBoard(board: BoardData): ShapedBoard {
  const range = timelineRange(board.lanes, board.date, board.timezone);
  const lanes: Lane[] = board.lanes.map((lane) => {
    const blocks: Block[] = [];
    for (const card of lane.cards) {
      for (const appointment of card.appointments) {
        const at = place(appointment, range);
        if (at) blocks.push({ card, appointment, ...at });
      }
    }
    blocks.sort((a, b) => a.left - b.left);
    return {
      technician: lane.technician,
      cards: lane.cards,
      blocks,
      open: lane.cards.filter((c) => isOpen(c.workOrder.status)).length,
      flagged: lane.cards.filter((c) => activeFlags(c.flags).length > 0).length,
    };
  });
  const hours: ShapedBoard['hours'] = [];
  for (let at = range.start; at <= range.end; at += HOUR) {
    hours.push({ at, left: ((at - range.start) / (range.end - range.start)) * 100 });
  }
  return { date: board.date, timezone: board.timezone, asOf: board.asOf, queue: sortQueue(board.unassigned), lanes, range, hours };
}

/** Percent position of "now" on the timeline, or null when now is outside it. */
export function nowMark(range: Range, now: number): number | null {
  if (now < range.start || now > range.end) return null;
  return ((now - range.start) / (range.end - range.start)) * 100;
}

/** Rows that overlap get stacked: each block gets a row index so none hides another. */
export function stackRows(blocks: readonly Block[]): number[] {
  const rowEnds: number[] = [];
  return blocks.map((b) => {
    let row = rowEnds.findIndex((end) => end <= b.left + 0.01);
    if (row === -1) row = rowEnds.length;
    rowEnds[row] = b.left + b.width;
    return row;
  });
}

/** The window the desk moves when rescheduling: the first live one. */
export function currentWindow(card: BoardCard): BoardAppointment | null {
  return card.appointments.find((a) => a.status !== 'cancelled') ?? null;
}
