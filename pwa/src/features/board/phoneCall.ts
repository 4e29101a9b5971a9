/** A new work order from a phone call: the caller's number finds the customer, the desk picks
 * the site, types the symptom, sets level and tier, and sends. The flow's logic lives here,
 * apart from the form, so it is tested without a browser. */

import type { Api } from '../../data/api';
import type { Json } from '../../data/docs';

export interface FoundSite {
  id: string;
  name: string;
  address: string;
  city: string;
}

export interface FoundAsset {
  id: string;
  name: string;
  tagCode: string;
  siteId: string;
}

export interface FoundCustomer {
  id: string;
  name: string;
  phone: string;
  altPhone: string;
  slaTier: string;
  sites: { nodes: FoundSite[] };
  assets: { nodes: FoundAsset[] };
}

export interface FoundOrder {
  id: string;
  number: string;
  status: string;
  symptom: string;
  customerId: string;
  siteId: string;
  receivedAt: string;
}

export interface SearchAnswer {
  customers: FoundCustomer[];
  /** Sites whose name, address or on-site contact phone matched. */
  sites: (FoundSite & { customerId: string; customer: FoundCustomer | null })[];
  workOrders: FoundOrder[];
}

const CUSTOMER = `id name phone altPhone slaTier
  sites(first: 50) { nodes { id name address city } }
  assets(first: 100) { nodes { id name tagCode siteId } }`;

export const SEARCH_QUERY = `query($t: String!) { search(text: $t, first: 10) {
  customers { ${CUSTOMER} }
  sites { id name address city customerId customer { ${CUSTOMER} } }
  workOrders { id number status symptom customerId siteId receivedAt }
} }`;

/** One caller the desk can pick: a customer, his sites and equipment, his orders still open. */
export interface Candidate {
  customer: FoundCustomer;
  sites: FoundSite[];
  assets: FoundAsset[];
  openOrders: FoundOrder[];
  /** The site the search matched (an on-site contact's phone), to preselect. */
  matchedSiteId: string | null;
}

const CLOSED = new Set(['CLOSED', 'CANCELLED', 'CALLED_BACK']);

/** Customers found directly first, then customers reached through a matching site. */
export function candidatesFrom(answer: SearchAnswer): Candidate[] {
  const byId = new Map<string, Candidate>();
  const make = (customer: FoundCustomer, matchedSiteId: string | null): Candidate => ({
    customer,
    sites: customer.sites.nodes,
    assets: customer.assets.nodes,
    openOrders: answer.workOrders.filter((o) => o.customerId === customer.id && !CLOSED.has(o.status)),
    matchedSiteId,
  });
  for (const c of answer.customers) byId.set(c.id, make(c, null));
  for (const s of answer.sites) {
    const known = byId.get(s.customerId);
    if (known) {
      known.matchedSiteId ??= s.id;
    } else if (s.customer) {
      byId.set(s.customer.id, make(s.customer, s.id));
    }
  }
  return [...byId.values()];
}

/** Worth asking the server: a name fragment of 2+ characters, or 4+ digits of a phone number. */
export function searchable(text: string): boolean {
  const q = text.trim();
  if (/^\+?[\d\s\-().]+$/.test(q)) return q.replace(/\D/g, '').length >= 4;
  return q.length >= 2;
}

export async function searchCaller(api: Api, text: string): Promise<Candidate[]> {
  const data = await api.request<{ search: SearchAnswer }>(SEARCH_QUERY, { t: text.trim() });
  return candidatesFrom(data.search);
}

export interface CallForm {
  /** Client-made id: a resent create (a timeout, a double Enter) makes one order only. */
  id: string;
  query: string;
  customerId: string | null;
  siteId: string | null;
  assetIds: string[];
  symptom: string;
  faultLevel: 1 | 2 | 3;
  slaTier: string;
  /** Dispatch at once to this technician (optional). */
  technicianId: string | null;
}

export function emptyForm(id: string): CallForm {
  return { id, query: '', customerId: null, siteId: null, assetIds: [], symptom: '', faultLevel: 3, slaTier: '', technicianId: null };
}

/** Picking a caller: his tier applies, and his only (or matched) site is chosen for him. */
export function chooseCustomer(form: CallForm, candidate: Candidate): CallForm {
  const only = candidate.sites.length === 1 ? (candidate.sites[0]?.id ?? null) : null;
  return {
    ...form,
    customerId: candidate.customer.id,
    siteId: candidate.matchedSiteId ?? only,
    assetIds: [],
    slaTier: candidate.customer.slaTier || form.slaTier,
  };
}

/** A site change drops equipment picked at another site. */
export function chooseSite(form: CallForm, candidate: Candidate, siteId: string): CallForm {
  const here = new Set(candidate.assets.filter((a) => a.siteId === siteId).map((a) => a.id));
  return { ...form, siteId, assetIds: form.assetIds.filter((id) => here.has(id)) };
}

export function toggleAsset(form: CallForm, assetId: string): CallForm {
  const has = form.assetIds.includes(assetId);
  return { ...form, assetIds: has ? form.assetIds.filter((a) => a !== assetId) : [...form.assetIds, assetId] };
}

export type Missing = 'customer' | 'site' | 'symptom';

export function missing(form: CallForm): Missing[] {
  const out: Missing[] = [];
  if (!form.customerId) out.push('customer');
  if (!form.siteId) out.push('site');
  if (!form.symptom.trim()) out.push('symptom');
  return out;
}

/** Variables for `createWorkOrder(input:)`; null while something required is missing. */
export function createVariables(form: CallForm, scheduledDate: string | null = null): { input: Record<string, Json> } | null {
  if (missing(form).length > 0 || !form.customerId || !form.siteId) return null;
  const input: Record<string, Json> = {
    id: form.id,
    customerId: form.customerId,
    siteId: form.siteId,
    symptom: form.symptom.trim(),
    faultLevel: form.faultLevel,
    sourceChannel: 'PHONE',
    assetIds: form.assetIds,
  };
  // Without a tier the server takes the customer's own.
  if (form.slaTier) input.slaTier = form.slaTier;
  // Dispatching at once puts the order on the board's day.
  if (form.technicianId && scheduledDate) input.scheduledDate = scheduledDate;
  return { input };
}

export const CREATE_MUTATION = `mutation($input: CreateWorkOrderInput!) { createWorkOrder(input: $input) { id number status } }`;
const ASSIGN = `mutation($id: ID!, $t: ID!, $d: Date) { assignWorkOrder(id: $id, technicianId: $t, scheduledDate: $d) { id status } }`;

export interface Created {
  id: string;
  number: string;
  /** Dispatch was asked for but failed: the order exists and waits in the queue. */
  assignError: string | null;
}

export async function submitCall(api: Api, form: CallForm, scheduledDate: string | null): Promise<Created> {
  const vars = createVariables(form, scheduledDate);
  if (!vars) throw new Error('incomplete');
  const data = await api.request<{ createWorkOrder: { id: string; number: string } }>(CREATE_MUTATION, vars);
  const order = data.createWorkOrder;
  let assignError: string | null = null;
  if (form.technicianId) {
    try {
      await api.request(ASSIGN, { id: order.id, t: form.technicianId, d: scheduledDate });
    } catch (err) {
      assignError = err instanceof Error ? err.message : String(err);
    }
  }
  return { id: order.id, number: order.number, assignError };
}
