/** Canonical JSON and its SHA-256, byte for byte as sync/canonical.py writes them
 * (docs/sync-protocol.md section 12), so the device's hash of what the customer signed equals the
 * server's. Objects are written here by hand: JSON.stringify on a key-sorted object would still
 * put integer-like keys first ({"9":..,"10":..}) whereas the canonical order is {"10":..,"9":..}. */

import type { Json } from '../../data/docs';
import { sha256Script as sha256Bytes } from '../../data/sha256';

/** JavaScript's String(number); -0 is "0". NaN and infinities have no JSON spelling. */
function number(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} has no JSON representation`);
  return value === 0 ? '0' : String(value);
}

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Quoted with the minimal escapes; unpaired surrogates as lower-case \uXXXX, everything else
 * raw (non-ASCII, U+007F, U+2028, U+2029). Written out rather than left to JSON.stringify so the
 * rule does not depend on the engine's age (pre-2019 engines wrote lone surrogates raw). */
export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    const code = text.charCodeAt(i);
    const short = SHORT[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20) out += hex4(code);
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + text.charAt(i + 1);
        i++;
      } else out += hex4(code);
    } else if (code >= 0xdc00 && code <= 0xdfff) out += hex4(code);
    else out += ch;
  }
  return `${out}"`;
}

function write(value: Json | undefined, out: string[]): void {
  if (value === null) out.push('null');
  else if (value === true) out.push('true');
  else if (value === false) out.push('false');
  else if (typeof value === 'number') out.push(number(value));
  else if (typeof value === 'string') out.push(quote(value));
  else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i) out.push(',');
      // JSON.stringify writes a hole or undefined in an array as null.
      write(item === undefined ? null : item, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    // The default sort compares UTF-16 code units: the canonical key order.
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i) out.push(',');
      out.push(quote(key), ':');
      write(value[key], out);
    });
    out.push('}');
  } else {
    throw new Error(`${typeof value} is not a JSON value`);
  }
}

export function canonicalJson(value: Json): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

/** Lower-case hex SHA-256 of the canonical JSON's UTF-8 bytes: crypto.subtle where the browser
 * offers it (secure contexts), the plain implementation elsewhere. */
export async function sha256Hex(value: Json): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(value));
  const subtle = globalThis.crypto?.subtle;
  const digest = subtle ? new Uint8Array(await subtle.digest('SHA-256', bytes)) : sha256Bytes(bytes);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
