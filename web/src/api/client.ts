/**
 * GET requests to /api with the session's Bearer token. A 401 renews the token once (silently, with the
 * refresh cookie) and retries; when that fails too the session ends and the app returns to the login page.
 */
import { ApiError, NetworkError, SessionEndedError } from './errors';
import type { SessionStore } from './session';

export type QueryValue = string | number | boolean | undefined | null;
export type QueryParams = Record<string, QueryValue>;

/** `/api/tickets` + `{ limit: 50, search: undefined }` → `/api/tickets?limit=50` (empty values left out). */
export function withQuery(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class ApiClient {
  private readonly fetch: Fetch;

  constructor(
    private readonly session: SessionStore,
    fetchImpl?: Fetch,
  ) {
    this.fetch = fetchImpl ?? ((input, init) => fetch(input, init));
  }

  async get<T>(path: string, params?: QueryParams, signal?: AbortSignal): Promise<T> {
    const url = withQuery(path, params);
    let token = this.session.accessToken() ?? (await this.session.refresh())?.accessToken;
    if (!token) throw new SessionEndedError();
    let response = await this.send(url, token, signal);
    if (response.status === 401) {
      token = (await this.session.refresh(token))?.accessToken;
      if (!token) throw new SessionEndedError();
      response = await this.send(url, token, signal);
      if (response.status === 401) {
        this.session.expire();
        throw new SessionEndedError();
      }
    }
    if (!response.ok) throw await ApiError.from(response);
    return (await response.json()) as T;
  }

  private async send(url: string, token: string, signal?: AbortSignal): Promise<Response> {
    try {
      return await this.fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new NetworkError(error);
    }
  }
}
