/** Who is signed in on this device. Sign-in needs the network once; afterwards the app opens
 * offline with the last user, and an expired access token never blocks work: it is refreshed
 * when the network is back. Only when the refresh token is spent or expired does the user sign
 * in again, and the outbox (kept through that) is pushed right after. */

import { signal } from '@preact/signals';
import { type Api, ApiError, type AuthProvider } from '../data/api';
import type { DoorstepDb } from '../data/db';
import type { Json } from '../data/docs';
import { uuid } from '../data/docs';
import { withLock } from '../data/locks';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  /** TECHNICIAN | DISPATCHER | SUPERVISOR | ADMIN, as the API spells it. */
  role: string;
  locale: string;
}

export interface StoredSession {
  user: SessionUser;
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: string;
  refreshExpiresAt: string;
  deviceId: string;
}

const AUTH_FIELDS = 'accessToken refreshToken accessExpiresAt refreshExpiresAt deviceId user { id username displayName role locale }';
const LOGIN = `mutation($u: String!, $p: String!, $d: ID, $n: String!) { login(username: $u, password: $p, deviceId: $d, deviceName: $n) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation($r: String!) { refreshSession(refreshToken: $r) { ${AUTH_FIELDS} } }`;
const LOGOUT = 'mutation($r: String!) { logout(refreshToken: $r) }';

/** Refresh this long before the access token expires, so a request never starts with a token
 * that dies on the way. */
const EARLY_MS = 60_000;

function deviceName(): string {
  const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac/.test(ua) ? 'macOS' : 'Linux';
  return `Doorstep on ${os}`;
}

function isOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

export class Session implements AuthProvider {
  /** The signed-in (or last signed-in, when offline) user; null means the login screen. */
  readonly current = signal<StoredSession | null>(null);
  /** Set when only a new sign-in can get the sync going again. */
  readonly needsLogin = signal(false);
  /** Who used this device last, to prefill the login form. */
  readonly lastUsername = signal('');

  constructor(
    private readonly db: DoorstepDb,
    private readonly api: Api,
  ) {}

  async load(): Promise<void> {
    const stored = (await this.db.getMeta<Json>('session')) as unknown as StoredSession | undefined;
    this.current.value = stored ?? null;
    const last = (await this.db.getMeta<Json>('lastUser')) as unknown as SessionUser | undefined;
    this.lastUsername.value = last?.username ?? '';
  }

  private async store(s: StoredSession): Promise<void> {
    await this.db.setMeta('session', s as unknown as Json);
    this.current.value = s;
  }

  async accessToken(): Promise<string | null> {
    const s = this.current.value;
    if (!s) return null;
    if (Date.parse(s.accessExpiresAt) - Date.now() > EARLY_MS || !isOnline()) return s.accessToken;
    try {
      return await this.refresh(s.accessToken);
    } catch (err) {
      // Network trouble: try with the old token; the request will tell what is wrong.
      if (err instanceof ApiError && err.kind !== 'relogin') return s.accessToken;
      throw err;
    }
  }

  /** Refresh tokens rotate: presenting a spent one revokes the device's whole token family, so
   * two tabs must never refresh with the same token. The lock serialises them, and the second
   * one finds the first one's new token in the database. */
  refresh(failed: string | null): Promise<string> {
    return withLock('doorstep-auth', async () => {
      const stored = (await this.db.getMeta<Json>('session')) as unknown as StoredSession | undefined;
      if (!stored) throw this.relogin('UNAUTHENTICATED');
      if (stored.accessToken !== failed && Date.parse(stored.accessExpiresAt) - Date.now() > EARLY_MS) {
        this.current.value = stored;
        return stored.accessToken;
      }
      if (Date.parse(stored.refreshExpiresAt) <= Date.now()) throw this.relogin('REFRESH_EXPIRED');
      let fresh: StoredSession;
      try {
        const data = await this.api.request<{ refreshSession: StoredSession }>(REFRESH, { r: stored.refreshToken }, { auth: false });
        fresh = data.refreshSession;
      } catch (err) {
        if (err instanceof ApiError && (err.kind === 'relogin' || err.kind === 'request')) throw this.relogin(err.code);
        throw err;
      }
      // Store the new refresh token before the new access token is used anywhere.
      await this.store({ ...fresh, deviceId: fresh.deviceId || stored.deviceId });
      return fresh.accessToken;
    });
  }

  private relogin(code: string): ApiError {
    this.needsLogin.value = true;
    return new ApiError('relogin', code, 'Sign in again');
  }

  /** Sign in (needs the network). A different user than the last one gets an empty replica;
   * the same user keeps his data and his unsent changes. The server ties a device id to one
   * user, so each username on this phone keeps its own. */
  async login(username: string, password: string): Promise<StoredSession> {
    const name = username.trim();
    const ids = ((await this.db.getMeta<Json>('deviceIds')) ?? {}) as Record<string, string>;
    const key = name.toLowerCase();
    const attempt = (deviceId: string): Promise<{ login: StoredSession }> =>
      this.api.request<{ login: StoredSession }>(LOGIN, { u: name, p: password, d: deviceId, n: deviceName() }, { auth: false });
    let data: { login: StoredSession };
    try {
      data = await attempt(ids[key] ?? uuid());
    } catch (err) {
      // Registered to someone else (a shared phone, a reset profile): register afresh.
      if (!(err instanceof ApiError) || err.code !== 'DEVICE_MISMATCH') throw err;
      data = await attempt(uuid());
    }
    const s = data.login;
    const last = (await this.db.getMeta<Json>('lastUser')) as unknown as SessionUser | undefined;
    if (last && last.id !== s.user.id) await wipeReplica(this.db);
    await this.db.setMeta('deviceIds', { ...ids, [key]: s.deviceId });
    await this.db.setMeta('lastUser', s.user as unknown as Json);
    await this.store(s);
    this.lastUsername.value = s.user.username;
    this.needsLogin.value = false;
    return s;
  }

  /** Sign out: the tokens go, the replica and any unsent changes stay for this user's return. */
  async logout(): Promise<void> {
    const s = this.current.value;
    if (s && isOnline()) {
      await this.api.request(LOGOUT, { r: s.refreshToken }, { auth: true }).catch(() => undefined);
    }
    await this.db.meta.delete('session');
    this.current.value = null;
  }
}

/** Everything that belonged to the previous user: records, checkpoints, queued changes. */
export async function wipeReplica(db: DoorstepDb): Promise<void> {
  const tables = [db.outbox, db.masters, db.checkpoints, ...db.collections.map((c) => db.docs(c.name))];
  await db.transaction('rw', tables, async () => {
    for (const t of tables) await t.clear();
  });
  await db.meta.delete('lastSyncAt');
}
