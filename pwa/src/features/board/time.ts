/** Calendar arithmetic in the board's time zone. The desk may sit in another zone than the
 * browser's (a central desk for several cities), so local midnight and "09:00 on the 24th" are
 * computed for the named IANA zone, not with the browser's Date methods. */

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(tz: string): Intl.DateTimeFormat {
  let f = partsFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(tz, f);
  }
  return f;
}

interface WallClock {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function wallClock(ms: number, tz: string): WallClock {
  const out: Record<string, number> = {};
  for (const p of partsFormat(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { y: out.year ?? 1970, mo: out.month ?? 1, d: out.day ?? 1, h: out.hour ?? 0, mi: out.minute ?? 0, s: out.second ?? 0 };
}

/** How far the zone's clock is ahead of UTC at this instant, in ms. */
export function zoneOffset(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant a wall-clock time happens in the zone (the later one in a DST overlap). */
export function zonedInstant(date: string, time: string, tz: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const guess = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  // Two passes settle the offset even when the guess falls on the other side of a DST change.
  let at = guess - zoneOffset(guess, tz);
  at = guess - zoneOffset(at, tz);
  return at;
}

/** YYYY-MM-DD of an instant in the zone. */
export function dateIn(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${w.y}-${String(w.mo).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** HH:MM of an instant in the zone. */
export function timeIn(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${String(w.h).padStart(2, '0')}:${String(w.mi).padStart(2, '0')}`;
}

export function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const at = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return at.toISOString().slice(0, 10);
}

/** [start, end) of the local day as UTC ms. */
export function dayBounds(date: string, tz: string): { start: number; end: number } {
  return { start: zonedInstant(date, '00:00', tz), end: zonedInstant(shiftDate(date, 1), '00:00', tz) };
}

/** The browser's zone, or the fallback when the browser does not say. */
export function browserZone(fallback = 'Asia/Shanghai'): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || fallback;
  } catch {
    return fallback;
  }
}

export interface WindowInput {
  date: string;
  from: string;
  to: string;
}

/** The form's window as UTC ISO instants; null when the end is not after the start. */
export function windowFromInput(input: WindowInput, tz: string): { windowStart: string; windowEnd: string } | null {
  if (!input.date || !input.from || !input.to) return null;
  const start = zonedInstant(input.date, input.from, tz);
  const end = zonedInstant(input.date, input.to, tz);
  if (!(end > start)) return null;
  return { windowStart: new Date(start).toISOString(), windowEnd: new Date(end).toISOString() };
}
