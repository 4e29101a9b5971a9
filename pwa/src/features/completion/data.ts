/** Reading the replica for the completion screen, and writing the signature and the rating. The
 * checklist runs, photos and templates may replicate in collections this build does not know
 * yet; then they count as absent, exactly as on a phone whose first sync has not finished. */

import type { DoorstepDb } from '../../data/db';
import { type Doc, type Json, deviceTime } from '../../data/docs';
import { create } from '../../data/outbox';
import type { Customer, Site, WorkOrder, WorkOrderStatus } from '../../data/types';
import { checklistValues, contentHash, firstRun } from './content';
import { type SignatureInput, currentSignature, ratingFields, signatureFields } from './records';

/** From work done on the customer can sign; signing again later supersedes the older signature. */
export const SIGNABLE: ReadonlySet<WorkOrderStatus> = new Set(['work_done', 'customer_signed', 'called_back', 'closed']);

/** The checklist item where the technician records that the customer tried the service. */
export const TESTED_ITEM = 'customer_tested_service';

export async function rowsOf(db: DoorstepDb, collection: string, workOrderId: string): Promise<Doc[]> {
  if (!db.hasTable(collection)) return [];
  // A full scan on purpose: the index a collection declares is not ours to rely on.
  return db.docs(collection).filter((d) => d.workOrderId === workOrderId && !d.deleted).toArray();
}

export interface ChecklistStatus {
  answered: number;
  /** Required items of the run's template; null when the template is not on the device. */
  required: number | null;
  requiredAnswered: number;
  tested: boolean;
}

interface TemplateItem {
  key?: unknown;
  required?: unknown;
  evidence?: unknown;
}

/** server/checklists/template_format.py answer_is_acceptable: text needs text, a photo item
 * photo ids, a tick or the customer's confirmation `true`. */
function acceptable(item: TemplateItem, value: Json | undefined): boolean {
  if (item.evidence === 'text') return typeof value === 'string' && value.trim() !== '';
  if (item.evidence === 'photo') return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim() !== '');
  return value === true;
}

function templateItems(template: Doc | undefined): TemplateItem[] {
  const doc = template?.document;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [];
  const phases = Array.isArray(doc.phases) ? doc.phases : [];
  return phases.flatMap((p) => (p && typeof p === 'object' && !Array.isArray(p) && Array.isArray(p.items) ? (p.items as TemplateItem[]) : []));
}

export async function checklistStatus(db: DoorstepDb, runs: readonly Doc[]): Promise<ChecklistStatus | null> {
  const run = firstRun(runs);
  if (!run) return null;
  const values = checklistValues(run);
  // A run started on this device has no template id until the server fills it in; it runs on
  // the active template then.
  const templates = db.hasTable('checklistTemplates') ? await db.docs('checklistTemplates').toArray() : [];
  const template =
    templates.find((tpl) => tpl.id === run.templateId) ??
    (run.templateId ? undefined : templates.find((tpl) => tpl.active === true && !tpl.deleted && tpl.key === 'etiquette'));
  const required = templateItems(template).filter((i) => i.required === true && typeof i.key === 'string');
  return {
    answered: Object.keys(values).length,
    required: template ? required.length : null,
    requiredAnswered: required.filter((i) => acceptable(i, values[i.key as string])).length,
    tested: values[TESTED_ITEM] === true,
  };
}

export interface Completion {
  order: WorkOrder;
  customer: Customer | undefined;
  site: Site | undefined;
  runs: Doc[];
  photos: Doc[];
  checklist: ChecklistStatus | null;
  signature: Doc | undefined;
  rating: Doc | undefined;
  /** Changes of this order the server refused: the signed record may then differ from its copy. */
  attention: number;
}

export async function loadCompletion(db: DoorstepDb, id: string): Promise<Completion | undefined> {
  const order = await db.typed<WorkOrder>('workOrders').get(id);
  if (!order) return undefined;
  const [customer, site, runs, photos, signatures, ratings, attention] = await Promise.all([
    db.typed<Customer>('customers').get(order.customerId),
    db.typed<Site>('sites').get(order.siteId),
    rowsOf(db, 'checklistRuns', id),
    rowsOf(db, 'photos', id),
    rowsOf(db, 'signatures', id),
    rowsOf(db, 'ratings', id),
    db.outbox.where('state').equals('needs_attention').filter((e) => e.docId === id || e.newDocumentState.workOrderId === id).count(),
  ]);
  return {
    order,
    customer,
    site,
    runs,
    photos,
    checklist: await checklistStatus(db, runs),
    signature: currentSignature(signatures),
    rating: ratings[0],
    attention,
  };
}

/** The hash of what the customer is signing, read from the replica at this moment. */
export async function currentHash(db: DoorstepDb, workOrderId: string): Promise<string> {
  const order = await db.typed<WorkOrder>('workOrders').get(workOrderId);
  if (!order) throw new Error(`workOrders/${workOrderId} is not on this device`);
  const [runs, photos] = await Promise.all([rowsOf(db, 'checklistRuns', workOrderId), rowsOf(db, 'photos', workOrderId)]);
  return contentHash({ order, runs, photos });
}

/** Queue the signature. The work order, checklist and photo records were queued before it, so the
 * server holds what the device held when it rebuilds the document. */
export async function saveSignature(db: DoorstepDb, input: Omit<SignatureInput, 'contentHash' | 'signedAt'>, now = new Date()): Promise<Doc> {
  const contentHashValue = await currentHash(db, input.workOrderId);
  return create(db, 'signatures', signatureFields({ ...input, contentHash: contentHashValue, signedAt: deviceTime(now) }));
}

export function saveRating(db: DoorstepDb, workOrderId: string, score: number, comment: string): Promise<Doc> {
  return create(db, 'ratings', ratingFields(workOrderId, score, comment));
}
