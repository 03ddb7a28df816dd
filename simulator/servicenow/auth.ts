/**
 * Authentication (reference §A.2): Basic with the instance user's credentials, or a Bearer token from
 * `POST /oauth_token.do`. Tokens expire after the instance's lifetime on the simulator's clock, or at once with
 * `expireTokens`; an expired or unknown token answers 401.
 */
import { randomBytes } from 'node:crypto';

export type Credentials =
  { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export function parseAuthorization(header: string | undefined): Credentials | undefined {
  const match = header ? /^(Basic|Bearer)\s+(.+)$/i.exec(header.trim()) : null;
  if (!match) return undefined;
  const value = (match[2] as string).trim();
  if ((match[1] as string).toLowerCase() === 'bearer') return { kind: 'bearer', token: value };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

interface AccessToken {
  instance: string;
  expiresAtMs: number;
  revoked: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | undefined;
}

function newToken(): string {
  return randomBytes(48).toString('base64url');
}

export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, string>();

  issue(instance: string, lifetimeSeconds: number, nowMs: number, withRefresh: boolean): IssuedTokens {
    const accessToken = newToken();
    this.access.set(accessToken, { instance, expiresAtMs: nowMs + lifetimeSeconds * 1000, revoked: false });
    let refreshToken: string | undefined;
    if (withRefresh) {
      refreshToken = newToken();
      this.refresh.set(refreshToken, instance);
    }
    return { accessToken, refreshToken };
  }

  /** The instance a token was issued for, valid or not. */
  instanceOf(accessToken: string): string | undefined {
    return this.access.get(accessToken)?.instance;
  }

  isValid(accessToken: string, nowMs: number): boolean {
    const token = this.access.get(accessToken);
    return token !== undefined && !token.revoked && nowMs < token.expiresAtMs;
  }

  /** The instance of a refresh token, which is used up. */
  redeem(refreshToken: string): string | undefined {
    const instance = this.refresh.get(refreshToken);
    this.refresh.delete(refreshToken);
    return instance;
  }

  /** Every access token issued so far (for one instance, or all) answers 401 from now on. */
  expire(instance?: string): void {
    const key = instance?.toLowerCase();
    for (const token of this.access.values()) {
      if (key === undefined || token.instance.toLowerCase() === key) token.revoked = true;
    }
  }
}
