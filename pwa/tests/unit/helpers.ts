/** A fake Doorstep server for the sync tests: answers pull/push over a fetch function the way
 * docs/sync-protocol.md describes, with hooks to script failures and push answers. */

import { Api, type AuthProvider, type FetchLike, type PushRow } from '../../src/data/api';
import { DoorstepDb } from '../../src/data/db';
import type { Doc, Json } from '../../src/data/docs';

let n = 0;
export function freshDb(name = `test-${++n}-${Math.random().toString(36).slice(2)}`): DoorstepDb {
  return new DoorstepDb(name);
}

export function workOrder(id: string, fields: Partial<Doc> = {}): Doc {
  return {
    id,
    version: 1,
    deleted: false,
    number: `WO-${id}`,
    status: 'dispatched',
    progressNote: '',
    acceptedAt: null,
    partsUsed: [],
    assignedToId: 'u1',
    siteId: 's1',
    customerId: 'c1',
    receivedAt: '2026-11-23T01:00:00Z',
    ...fields,
  };
}

export type PushHandler = (collection: string, rows: PushRow[]) => Doc[] | Promise<Doc[]>;
type Failure = 'network' | 'http500' | 'http401' | 'expired' | 'internal' | 'invalid';

interface GqlRequest {
  query: string;
  variables: Record<string, Json>;
}

export class FakeServer {
  readonly docs = new Map<string, Map<string, Doc>>();
  readonly pushes: { collection: string; rows: PushRow[]; token: string | null }[] = [];
  readonly pulls: { collection: string; checkpoint: Json; token: string | null }[] = [];
  failures: Failure[] = [];
  validTokens = new Set(['token-1']);
  pushHandler: PushHandler | null = null;
  unknownCollections = new Set<string>();
  private version = 100;
  inFlight = 0;
  maxInFlight = 0;
  pushDelayMs = 0;

  put(collection: string, doc: Doc): Doc {
    let table = this.docs.get(collection);
    if (!table) this.docs.set(collection, (table = new Map()));
    const stored = { ...doc, version: doc.version ?? ++this.version };
    table.set(doc.id, stored);
    return stored;
  }

  nextVersion(): number {
    return ++this.version;
  }

  private json(body: unknown, status = 200): Response {
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }

  private error(code: string): Response {
    return this.json({ data: null, errors: [{ message: code, extensions: { code } }] });
  }

  readonly fetch: FetchLike = async (_url, init) => {
    const failure = this.failures.shift();
    if (failure === 'network') throw new TypeError('Failed to fetch');
    if (failure === 'http500') return new Response('oops', { status: 500 });
    if (failure === 'http401') return new Response('', { status: 401 });
    if (failure === 'internal') return this.error('INTERNAL_SERVER_ERROR');
    const headers = init.headers as Record<string, string>;
    const token = headers.authorization?.replace(/^Bearer /, '') ?? null;
    if (failure === 'expired' || (token && !this.validTokens.has(token))) return this.error('TOKEN_EXPIRED');
    if (failure === 'invalid') return this.error('GRAPHQL_VALIDATION_FAILED');
    const req = JSON.parse(String(init.body)) as GqlRequest;
    const m = /(pull|push)(\w+)\(/.exec(req.query);
    if (!m) return this.error('GRAPHQL_VALIDATION_FAILED');
    const [, op, Name] = m as unknown as [string, string, string];
    const collection = Name.charAt(0).toLowerCase() + Name.slice(1);
    if (this.unknownCollections.has(collection)) return this.error('GRAPHQL_VALIDATION_FAILED');
    const field = `${op}${Name}`;
    if (op === 'pull') {
      this.pulls.push({ collection, checkpoint: req.variables.c ?? null, token });
      const after = (req.variables.c as { version?: number } | null)?.version ?? 0;
      const limit = req.variables.l as number;
      const docs = [...(this.docs.get(collection)?.values() ?? [])]
        .filter((d) => d.version > after)
        .sort((a, b) => a.version - b.version)
        .slice(0, limit);
      const checkpoint = { version: docs.at(-1)?.version ?? after };
      return this.json({ data: { [field]: { documents: docs, checkpoint } } });
    }
    const rows = req.variables.r as unknown as PushRow[];
    this.pushes.push({ collection, rows: structuredClone(rows), token });
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.pushDelayMs) await new Promise((r) => setTimeout(r, this.pushDelayMs));
      const answers = this.pushHandler ? await this.pushHandler(collection, rows) : this.applyAll(collection, rows);
      return this.json({ data: { [field]: answers } });
    } finally {
      this.inFlight -= 1;
    }
  };

  /** The default: every row applied as sent (answer []). */
  applyAll(collection: string, rows: PushRow[]): Doc[] {
    for (const r of rows) this.put(collection, { ...r.newDocumentState, version: this.nextVersion() });
    return [];
  }
}

export class FakeAuth implements AuthProvider {
  token = 'token-1';
  refreshed = 0;
  constructor(
    private readonly server: FakeServer,
    private readonly next = 'token-2',
  ) {}
  async accessToken(): Promise<string> {
    return this.token;
  }
  async refresh(): Promise<string> {
    this.refreshed += 1;
    this.server.validTokens.add(this.next);
    this.token = this.next;
    return this.token;
  }
}

export function apiFor(server: FakeServer, auth: AuthProvider | null = new FakeAuth(server)): Api {
  return new Api({ url: 'http://test/graphql', fetch: server.fetch, auth });
}
