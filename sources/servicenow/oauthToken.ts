/**
 * OAuth client-credentials access tokens (reference §A.2), cached per (tenant, instance, client) for the
 * whole process: every reader of a tenant (one per invocation, several in the embedded runtime) shares the
 * token instead of asking `oauth_token.do` for one each, and concurrent readers wait for one request.
 */

/** A token is renewed this long before it expires, so no request starts with one about to lapse. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

/** What `oauth_token.do` issued. */
export interface IssuedToken {
  accessToken: string;
  /** Lifetime from issue (ServiceNow's default 1,800 s). */
  expiresInSeconds: number;
}

interface CachedToken {
  accessToken: string;
  /** Ms since epoch after which the token is no longer used. */
  renewAt: number;
}

const tokens = new Map<string, CachedToken>();
const issuing = new Map<string, Promise<CachedToken>>();

export function tokenCacheKey(tenantId: string, instanceUrl: string, clientId: string): string {
  return JSON.stringify([tenantId, instanceUrl, clientId]);
}

/** The cached token while it is fresh, else a new one from `issue` (one request however many callers wait). */
export async function accessToken(
  key: string,
  now: () => number,
  issue: () => Promise<IssuedToken>,
): Promise<string> {
  const cached = tokens.get(key);
  if (cached && now() < cached.renewAt) return cached.accessToken;
  let pending = issuing.get(key);
  if (!pending) {
    pending = issue()
      .then(({ accessToken, expiresInSeconds }) => {
        const token = { accessToken, renewAt: now() + expiresInSeconds * 1000 - TOKEN_REFRESH_MARGIN_MS };
        tokens.set(key, token);
        return token;
      })
      .finally(() => issuing.delete(key));
    issuing.set(key, pending);
  }
  return (await pending).accessToken;
}

/**
 * Drops a token the instance rejected (revoked, or expired early). Only that token: when another reader
 * has already replaced it, the replacement is kept.
 */
export function forgetToken(key: string, rejected: string): void {
  if (tokens.get(key)?.accessToken === rejected) tokens.delete(key);
}

/** Empties the cache (tests). */
export function clearServiceNowTokens(): void {
  tokens.clear();
  issuing.clear();
}
