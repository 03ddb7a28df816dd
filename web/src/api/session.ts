/**
 * The signed-in session. The access token lives in memory only (never in storage a script could read
 * later); the refresh token is the HttpOnly `avesa_refresh` cookie the API sets on /auth, so a reload or a
 * new tab signs in silently with POST /auth/refresh, and the token is renewed before it expires.
 *
 * Refresh tokens rotate on every use and a reused one revokes its whole family, so refreshes must never run
 * twice with the same cookie: one at a time in this tab (single flight) and across tabs (a Web Lock).
 */
import type { Role } from '../../../api/contract';
import { ApiError, NetworkError } from './errors';

export interface User {
  id: string;
  email: string;
  role: Role;
  tenantId: string;
  /** The tenant's display name, where the API gives one; the id otherwise. */
  tenantName?: string;
}

export interface Session {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  user: User;
}

export type SessionState =
  | { status: 'unknown' }
  | { status: 'signed-in'; session: Session }
  | { status: 'signed-out'; reason?: 'logged-out' | 'expired' };

export interface Credentials {
  tenantId: string;
  email: string;
  password: string;
}

interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  user?: User;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface SessionStoreOptions {
  fetch?: Fetch;
  now?: () => number;
  /** Renew this long before the access token expires. */
  renewAheadMs?: number;
  /** Runs a refresh under a lock shared by every tab of the origin; in-tab only where Web Locks are missing. */
  withLock?: <T>(run: () => Promise<T>) => Promise<T>;
  /** Tells the other tabs of a logout; null for none (tests). */
  channel?: BroadcastChannel | null;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function browserLock<T>(run: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks)
    return navigator.locks.request('avesa-refresh', run) as Promise<T>;
  return run();
}

export class SessionStore {
  private state: SessionState = { status: 'unknown' };
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<Session | null> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly fetch: Fetch;
  private readonly now: () => number;
  private readonly renewAheadMs: number;
  private readonly withLock: <T>(run: () => Promise<T>) => Promise<T>;
  private readonly channel: BroadcastChannel | undefined;

  constructor(options: SessionStoreOptions = {}) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? (() => Date.now());
    this.renewAheadMs = options.renewAheadMs ?? 60_000;
    this.withLock = options.withLock ?? browserLock;
    // Logging out in one tab logs out the others (their tokens stay in their memory otherwise).
    this.channel =
      typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('avesa-session');
    if (this.channel)
      this.channel.onmessage = (event: MessageEvent) => {
        if (event.data === 'logged-out') this.end('logged-out');
      };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): SessionState => this.state;

  /** The current access token, if signed in. */
  accessToken(): string | undefined {
    return this.state.status === 'signed-in' ? this.state.session.accessToken : undefined;
  }

  /** POST /auth/login; throws ApiError (401 for any mismatch, 429 when limited) or NetworkError. */
  async login(credentials: Credentials): Promise<Session> {
    const response = await this.send('/auth/login', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(credentials),
    });
    if (!response.ok) throw await ApiError.from(response);
    const session = await this.sessionFrom((await response.json()) as TokenResponse);
    this.begin(session);
    return session;
  }

  /**
   * Renews the access token with the refresh cookie; resolves to null (and signs out) when there is no
   * valid cookie. `staleToken` is the token a request was refused with: when the session has moved on since,
   * the current one is returned without spending a refresh.
   */
  refresh(staleToken?: string): Promise<Session | null> {
    if (this.state.status === 'signed-in' && staleToken && this.state.session.accessToken !== staleToken)
      return Promise.resolve(this.state.session);
    this.refreshing ??= this.withLock(() => this.renew()).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** POST /auth/logout (revokes the refresh token and clears the cookie), then forgets the session. */
  async logout(): Promise<void> {
    const token = this.accessToken();
    try {
      await this.send('/auth/logout', {
        method: 'POST',
        headers: { ...JSON_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: '{}',
      });
    } catch {
      // Offline: the session is forgotten here all the same; the refresh token expires on its own.
    }
    this.end('logged-out');
    this.channel?.postMessage('logged-out');
  }

  /** Stops renewing and listening to other tabs (tests; the app's store lives as long as the page). */
  dispose(): void {
    clearTimeout(this.renewTimer);
    this.channel?.close();
  }

  /** The API refused the token and a refresh did not help. */
  expire(): void {
    this.end('expired');
  }

  private async renew(): Promise<Session | null> {
    let response: Response;
    try {
      response = await this.send('/auth/refresh', { method: 'POST', headers: JSON_HEADERS, body: '{}' });
    } catch (error) {
      // Offline is not signed out: keep what we have and let the caller report the network.
      if (this.state.status === 'unknown') this.end();
      throw error;
    }
    if (!response.ok) {
      this.end(this.state.status === 'signed-in' ? 'expired' : undefined);
      return null;
    }
    const session = await this.sessionFrom((await response.json()) as TokenResponse);
    this.begin(session);
    return session;
  }

  /**
   * The user comes with the tokens; a refresh that returned tokens only is completed by GET /auth/me. The
   * tenant's name for the header comes from GET /api/tenant, once per tenant (the id stands in without it).
   */
  private async sessionFrom(tokens: TokenResponse): Promise<Session> {
    const expiresAt = this.now() + tokens.expiresIn * 1000;
    const authorization = { authorization: `Bearer ${tokens.accessToken}` };
    let user = tokens.user;
    if (!user) {
      const response = await this.send('/auth/me', { headers: authorization });
      if (!response.ok) throw await ApiError.from(response);
      const body = (await response.json()) as User | { user: User };
      user = 'user' in body ? body.user : body;
    }
    const known = this.state.status === 'signed-in' ? this.state.session.user : undefined;
    let tenantName = known?.tenantId === user.tenantId ? known.tenantName : undefined;
    if (tenantName === undefined) {
      const response = await this.send('/api/tenant', { headers: authorization }).catch(() => undefined);
      if (response?.ok) tenantName = ((await response.json()) as { name?: string }).name;
    }
    return {
      accessToken: tokens.accessToken,
      expiresAt,
      user: tenantName ? { ...user, tenantName } : user,
    };
  }

  private begin(session: Session): void {
    this.setState({ status: 'signed-in', session });
    clearTimeout(this.renewTimer);
    const delay = Math.max(5_000, session.expiresAt - this.now() - this.renewAheadMs);
    this.renewTimer = setTimeout(() => {
      // A failed renewal signs out (or, offline, leaves the next request to retry).
      this.refresh().catch(() => undefined);
    }, delay);
  }

  private end(reason?: 'logged-out' | 'expired'): void {
    clearTimeout(this.renewTimer);
    this.setState(reason ? { status: 'signed-out', reason } : { status: 'signed-out' });
  }

  private setState(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetch(path, { credentials: 'same-origin', ...init });
    } catch (error) {
      throw new NetworkError(error);
    }
  }
}
