/** GraphQL over HTTP (POST /graphql) with the token handling of sync-protocol.md section 4: an
 * expired access token is refreshed once and the same request is sent again, unchanged. */

import { fieldSuffix } from './collections';
import type { Checkpoint, Doc, Json } from './docs';

/** What the caller does about a failure:
 * - network: offline, timed out, connection dropped → keep the change, retry later;
 * - server: 5xx or INTERNAL_SERVER_ERROR → nothing was applied, retry later unchanged;
 * - auth: the access token expired → refresh and resend;
 * - relogin: the refresh token is spent or the device was revoked → sign in again;
 * - request: the server understood and refused the request (schema, limits) → not retryable. */
export type ApiErrorKind = 'network' | 'server' | 'auth' | 'relogin' | 'request';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const RELOGIN = new Set([
  'UNAUTHENTICATED',
  'TOKEN_INVALID',
  'DEVICE_REVOKED',
  'DEVICE_MISMATCH',
  'REFRESH_INVALID',
  'REFRESH_EXPIRED',
  'REFRESH_REUSED',
]);

export function kindOfCode(code: string): ApiErrorKind {
  if (code === 'TOKEN_EXPIRED') return 'auth';
  if (RELOGIN.has(code)) return 'relogin';
  if (code === 'INTERNAL_SERVER_ERROR') return 'server';
  return 'request';
}

export interface AuthProvider {
  /** The current access token (refreshed first when it is about to expire and we are online). */
  accessToken(): Promise<string | null>;
  /** Get a new access token after `failed` was refused; throws ApiError('relogin') when only a
   * new sign-in can help. */
  refresh(failed: string | null): Promise<string>;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface PushRow {
  newDocumentState: Doc;
  assumedMasterState: Doc | null;
  mutationId: string;
}

export interface PullBatch {
  documents: Doc[];
  checkpoint: Checkpoint;
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

export class Api {
  private readonly url: string;
  private readonly fetcher: FetchLike;
  auth: AuthProvider | null;

  constructor(opts: { url?: string; fetch?: FetchLike; auth?: AuthProvider | null } = {}) {
    this.url = opts.url ?? '/graphql';
    this.fetcher = opts.fetch ?? ((input, init) => fetch(input, init));
    this.auth = opts.auth ?? null;
  }

  async request<T>(query: string, variables: Record<string, Json> = {}, opts: { auth?: boolean } = {}): Promise<T> {
    const useAuth = opts.auth !== false && this.auth !== null;
    let token = useAuth && this.auth ? await this.auth.accessToken() : null;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send<T>(query, variables, token);
      } catch (err) {
        if (err instanceof ApiError && err.kind === 'auth' && useAuth && this.auth && attempt === 0) {
          token = await this.auth.refresh(token);
          continue;
        }
        throw err;
      }
    }
  }

  private async send<T>(query: string, variables: Record<string, Json>, token: string | null): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.fetcher(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    } catch (err) {
      throw new ApiError('network', 'NETWORK', err instanceof Error ? err.message : String(err));
    }
    if (res.status === 401) throw new ApiError('auth', 'HTTP_401', 'Unauthorised');
    if (res.status >= 500 || res.status === 408 || res.status === 429) {
      throw new ApiError('server', `HTTP_${res.status}`, `The server answered ${res.status}`);
    }
    let body: GraphQLBody;
    try {
      body = (await res.json()) as GraphQLBody;
    } catch {
      // A captive portal or a proxy page: not our server's answer, so try again later.
      throw new ApiError('network', 'BAD_RESPONSE', `Unreadable answer (HTTP ${res.status})`);
    }
    const first = body.errors?.[0];
    if (first) {
      const code = first.extensions?.code ?? 'UNKNOWN';
      throw new ApiError(kindOfCode(code), code, first.message ?? code);
    }
    if (!res.ok || !body.data) throw new ApiError('request', `HTTP_${res.status}`, `HTTP ${res.status}`);
    return body.data as T;
  }

  async pull(collection: string, checkpoint: Checkpoint, limit: number): Promise<PullBatch> {
    const field = `pull${fieldSuffix(collection)}`;
    const query = `query($c: JSON, $l: Int!) { ${field}(checkpoint: $c, limit: $l) { documents checkpoint } }`;
    const data = await this.request<Record<string, PullBatch>>(query, { c: checkpoint, l: limit });
    const batch = data[field];
    if (!batch) throw new ApiError('request', 'BAD_RESPONSE', `${field} missing`);
    return batch;
  }

  /** The answer lists only the rows whose result differs from what was sent (section 6). */
  async push(collection: string, rows: PushRow[]): Promise<Doc[]> {
    const field = `push${fieldSuffix(collection)}`;
    const query = `mutation($r: [PushRow!]!) { ${field}(rows: $r) }`;
    const data = await this.request<Record<string, Doc[]>>(query, { r: rows as unknown as Json });
    return data[field] ?? [];
  }
}
