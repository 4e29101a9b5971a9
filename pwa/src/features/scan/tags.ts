/** Asset tag codes as printed and as read: the QR holds `<base>/a/<TAG>`, a technician may type
 * the code off the label. Normalised the way the server does (server/assets/rules.py), so a
 * misread O or a typed dash still finds the asset, offline, in the device's own copy. */

import type { DoorstepDb } from '../../data/db';
import type { Asset } from '../../data/types';

// Crockford base32 without I, L, O, U.
const ALPHABET = /^[0-9A-HJKMNP-TV-Z]+$/;
const READ_AS: Record<string, string> = { O: '0', I: '1', L: '1' };
export const MAX_TAG_LENGTH = 32;

/** The canonical tag, or null when the text cannot be a tag code. */
export function normalizeTag(raw: string): string | null {
  const value = Array.from(raw.trim().toUpperCase())
    .filter((c) => c !== '-' && c !== ' ')
    .map((c) => READ_AS[c] ?? c)
    .join('');
  if (!value || value.length > MAX_TAG_LENGTH || !ALPHABET.test(value)) return null;
  return value;
}

export interface ScannedTag {
  /** As read (kept on the scan record). */
  raw: string;
  tag: string;
}

/** A scanned or typed code: a tag URL (any host: labels carry the public address, the app may be
 * opened on another) or a bare tag. Anything else is not ours. */
export function parseScanned(text: string): ScannedTag | null {
  const s = text.trim();
  if (!s) return null;
  if (/^https?:\/\//i.test(s)) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      return null;
    }
    const m = /\/a\/([^/?#]+)\/?$/.exec(url.pathname);
    if (!m?.[1]) return null;
    let raw: string;
    try {
      raw = decodeURIComponent(m[1]);
    } catch {
      return null;
    }
    const tag = normalizeTag(raw);
    return tag ? { raw, tag } : null;
  }
  const tag = normalizeTag(s);
  return tag ? { raw: s, tag } : null;
}

/** The asset with this tag on the device (tags are stored normalised by the server). */
export async function findAssetByTag(db: DoorstepDb, raw: string): Promise<Asset | undefined> {
  const tag = normalizeTag(raw);
  if (!tag) return undefined;
  const assets = db.typed<Asset>('assets');
  const hit = await assets.where('tagCode').equals(tag).first();
  if (hit && !hit.deleted) return hit;
  // A tag stored in an older spelling (before normalisation): compare normalised forms.
  return assets.filter((a) => !a.deleted && normalizeTag(String(a.tagCode ?? '')) === tag).first();
}

/** Where a scanned tag leads: the asset page, carrying the order being worked on. */
export function assetHref(scanned: ScannedTag, workOrderId: string | null): string {
  const q = new URLSearchParams();
  if (workOrderId) q.set('wo', workOrderId);
  q.set('read', scanned.raw.length <= MAX_TAG_LENGTH ? scanned.raw : scanned.tag);
  return `/a/${encodeURIComponent(scanned.tag)}?${q.toString()}`;
}
