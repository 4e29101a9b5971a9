/** Replicated documents as the server sends them (docs/sync-protocol.md, section 3), and the few
 * value helpers the outbox and the merge-answer checks need. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A flat JSON object with the four system fields; every declared field of its collection too. */
export interface Doc {
  id: string;
  version: number;
  deleted: boolean;
  updatedAt?: string;
  [field: string]: Json | undefined;
}

export type Checkpoint = { version: number } | null;

/** System fields are stamped by the server and never part of a device's change. */
export const SYSTEM_FIELDS: ReadonlySet<string> = new Set(['id', 'version', 'updatedAt', 'revoked']);

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** JSON equality with the protocol's rules: a missing key equals null, and two spellings of the
 * same instant are equal (the server normalises `.000Z` to `Z`; that is not a lost edit). */
export function sameValue(a: Json | undefined, b: Json | undefined): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === y) return true;
  if (x === null || y === null) return false;
  if (typeof x === 'string' && typeof y === 'string') {
    return ISO_TIME.test(x) && ISO_TIME.test(y) && Date.parse(x) === Date.parse(y);
  }
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((item, i) => sameValue(item, y[i]));
  }
  if (typeof x === 'object' && typeof y === 'object') {
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) if (!sameValue(x[k], y[k])) return false;
    return true;
  }
  return false;
}

/** The fields `next` changed relative to `base` (every non-system field when base is null). */
export function changedFields(base: Doc | null, next: Doc): string[] {
  return Object.keys(next).filter((k) => !SYSTEM_FIELDS.has(k) && (base === null || !sameValue(base[k], next[k])));
}

/** A deep copy that IndexedDB can store and that shares nothing with the caller's object. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A device time as the server writes it (whole seconds, `Z`), so a push is not answered only to
 * normalise the spelling (sync-protocol.md section 3). */
export function deviceTime(now: Date = new Date()): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 4122 v4 ids; crypto.randomUUID exists only in secure contexts (not http://192.168.x.x). */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
