/** The two records the customer leaves on the technician's phone: the signature (fields of the
 * `signatures` collection, docs/sync-protocol.md "Signed content") and the rating (`ratings`).
 * Both are immutable on the server, so they are checked here before they are queued: a rejected
 * one could only be fixed by signing or rating again. */

import type { Doc, Json } from '../../data/docs';

export type SignerRelation = 'customer' | 'family_member' | 'tenant' | 'colleague' | 'other';
export const RELATIONS: readonly SignerRelation[] = ['customer', 'family_member', 'tenant', 'colleague', 'other'];

export type ConsentLanguage = 'zh-CN' | 'en';

/** server/signatures/consent.py, word for word (the server refuses any other text). Texts are
 * never edited there, only added as new versions; the newest of each language is shown. */
export const CONSENT: Readonly<Record<ConsentLanguage, { version: number; text: string }>> = {
  'zh-CN': {
    version: 1,
    text: '本人确认：上述服务内容已在现场完成，所列配件和检查结果属实，本人已试用并确认服务恢复正常。本签名仅用于确认本服务单。',
  },
  en: {
    version: 1,
    text:
      'I confirm that the work described above was carried out on site, that the parts and checks listed are correct, ' +
      'and that I have tried the service and it works. This signature only confirms this service record.',
  },
};

/** Any Chinese tag is zh-CN, anything else English (consent.language_of on the server). */
export function consentLanguage(tag: string | null | undefined): ConsentLanguage {
  const primary = (tag ?? '').replace(/_/g, '-').split('-', 1)[0]?.trim().toLowerCase();
  return primary === 'zh' ? 'zh-CN' : 'en';
}

export const MAX_NAME = 100;
export const MAX_STROKES_BYTES = 200 * 1024;
export const MAX_COMMENT = 2000;

export interface StrokePoint {
  x: number;
  y: number;
  time?: number;
  pressure?: number;
}

export interface Stroke {
  points: StrokePoint[];
  [option: string]: Json | StrokePoint[] | undefined;
}

export interface Position {
  latitude: number;
  longitude: number;
  accuracyM: number | null;
}

export interface SignatureInput {
  workOrderId: string;
  strokes: Stroke[];
  canvasWidth: number;
  canvasHeight: number;
  signerName: string;
  signerRelation: SignerRelation;
  language: ConsentLanguage;
  signedAt: string;
  contentHash: string;
  position: Position | null;
}

export type SignatureProblem = 'empty' | 'tooLarge' | 'name' | 'nameTooLong' | 'relation' | 'canvas' | 'hash';

function finite(n: unknown): boolean {
  return typeof n === 'number' && Number.isFinite(n);
}

/** What the server's validation (server/signatures/validation.py) would refuse; null if none. */
export function signatureProblem(input: SignatureInput): SignatureProblem | null {
  const strokes = input.strokes.filter((s) => s.points.length > 0);
  if (strokes.length === 0 || !strokes.every((s) => s.points.every((p) => finite(p.x) && finite(p.y)))) return 'empty';
  if (new TextEncoder().encode(JSON.stringify(strokes)).length > MAX_STROKES_BYTES) return 'tooLarge';
  const name = input.signerName.trim();
  if (!name) return 'name';
  // Python counts code points, not UTF-16 units.
  if ([...name].length > MAX_NAME) return 'nameTooLong';
  if (!RELATIONS.includes(input.signerRelation)) return 'relation';
  const sizeOk = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 10_000;
  if (!sizeOk(input.canvasWidth) || !sizeOk(input.canvasHeight)) return 'canvas';
  if (!/^[0-9a-f]{64}$/.test(input.contentHash)) return 'hash';
  return null;
}

/** The fields of a new `signatures` document (the server fills in its own fields). */
export function signatureFields(input: SignatureInput): Record<string, Json> {
  const consent = CONSENT[input.language];
  return {
    workOrderId: input.workOrderId,
    strokes: input.strokes.filter((s) => s.points.length > 0) as unknown as Json,
    canvasWidth: input.canvasWidth,
    canvasHeight: input.canvasHeight,
    signerName: input.signerName.trim(),
    signerRelation: input.signerRelation,
    consentText: consent.text,
    consentVersion: consent.version,
    language: input.language,
    signedAt: input.signedAt,
    latitude: input.position?.latitude ?? null,
    longitude: input.position?.longitude ?? null,
    accuracyM: input.position?.accuracyM ?? null,
    contentHash: input.contentHash,
  };
}

export type RatingProblem = 'score' | 'commentTooLong';

/** A score is a whole number from 1 to 5; a comment at most 2000 characters once trimmed. */
export function ratingProblem(score: unknown, comment: string): RatingProblem | null {
  if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 5) return 'score';
  if ([...comment.trim()].length > MAX_COMMENT) return 'commentTooLong';
  return null;
}

export function ratingFields(workOrderId: string, score: number, comment: string): Record<string, Json> {
  return { workOrderId, score, comment: comment.trim() };
}

/** The signature that stands for the order: not superseded, signed last. */
export function currentSignature(signatures: readonly Doc[]): Doc | undefined {
  const live = signatures.filter((s) => !s.deleted && !s.supersededById);
  const at = (s: Doc): number => Date.parse(String(s.signedAt ?? '')) || 0;
  return live.sort((a, b) => at(b) - at(a))[0];
}
